import type { RouteConfigSnapshot } from '../../shared/index.ts';
import { configVariables, type ConfigVariable } from './configVariables.ts';
import { InvalidConfigError } from '../kit/errors.ts';
import { validateConfigText } from './loadConfigText.ts';

/** A config, validated as the routers will see it. */
export interface CheckedStoredConfig {
  config: RouteConfigSnapshot;
  /** `${VAR}` names this machine does not set; checked with placeholders. */
  placeholders: string[];
  /** Every `${VAR}` the config uses, whether set here, and where (never its value). */
  variables: ConfigVariable[];
}

/** How strictly {@link validateStoredText} checks. */
export interface CheckOptions {
  /** Every `${VAR}` must be set here: an unset one is an error naming its field. @default false */
  strict?: boolean;
  /** Honour this shell's `ROUTE_PRIORITY` / `<APP>_ROUTE_PRIORITY` (as `validate` does). @default false */
  overrides?: boolean;
}

/** Matches `ROUTE_PRIORITY` and `<APP>_ROUTE_PRIORITY`. */
const OVERRIDE = /^(?:[A-Z0-9_]+_)?ROUTE_PRIORITY$/;

/**
 * Validates config text with the routers' own parser, under the one rule every command that checks
 * or edits a config follows: a `${VAR}` this shell does not set is filled with a placeholder (the
 * router fills it from its own environment: a Lambda's or a Worker's vars are not ours to know)
 * and reported in `placeholders`; with `strict`, it is an error instead. Priority overrides of this
 * shell are left out unless `overrides` (the orders shown are then the stored ones).
 *
 * @example
 * validateStoredText(text, process.env, 'ssm /hadoku-route/route-config').placeholders // ['WORKER_BASE']
 * @throws {InvalidConfigError} listing every error with its field
 */
export function validateStoredText(
  text: string,
  env: Record<string, string | undefined>,
  label: string,
  opts: CheckOptions = {},
): CheckedStoredConfig {
  const checkEnv: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(env)) if (opts.overrides || !OVERRIDE.test(name)) checkEnv[name] = value;
  const variables = configVariables(text, env);
  const placeholders = opts.strict ? [] : variables.filter((v) => !v.set).map((v) => v.name);
  for (const name of placeholders) {
    // A token that starts a JSON string is most likely a base URL: give it a valid one.
    checkEnv[name] = text.includes(`"\${${name}}`) ? `https://${name.toLowerCase().replace(/_/g, '-')}.placeholder.invalid` : 'placeholder';
  }
  const checked = { placeholders, variables };
  try {
    return { config: validateConfigText(text, checkEnv, label), ...checked };
  } catch (error) {
    // Say so under the errors too: an error about a placeholder URL would otherwise puzzle.
    if (!placeholders.length || !(error instanceof InvalidConfigError)) throw error;
    throw new InvalidConfigError(error.message, { details: [...error.details, ...storedConfigNotes(checked, {})] });
  }
}

/** Notes printed under a command's output: placeholders used, overrides that would mask the stored priorities. */
export function storedConfigNotes(
  checked: Pick<CheckedStoredConfig, 'placeholders'>,
  env: Record<string, string | undefined>,
  opts: CheckOptions = {},
): string[] {
  const notes: string[] = [];
  if (checked.placeholders.length) {
    notes.push(
      `note: ${checked.placeholders.map((n) => `\${${n}}`).join(', ')} not set here; checked with a placeholder ` +
        '(each router fills it from its own environment; --strict requires it here)',
    );
  }
  const overrides = Object.keys(env).filter((n) => OVERRIDE.test(n) && (env[n] ?? '').trim() !== '');
  if (overrides.length && !opts.overrides) {
    const names = overrides.map((n) => `${n}=${env[n]}`).join(', ');
    notes.push(`note: ${names} set in this shell; a router started with it ignores the stored priority it overrides`);
  }
  return notes;
}
