import type { RouteConfigSnapshot } from '../../shared/index.ts';
import { validateConfigText } from './loadConfigText.ts';

/** A stored config, validated as the routers will see it. */
export interface CheckedStoredConfig {
  config: RouteConfigSnapshot;
  /** `${VAR}` names this machine does not set; checked with placeholders. */
  placeholders: string[];
}

/** Matches `ROUTE_PRIORITY` and `<APP>_ROUTE_PRIORITY`. */
const OVERRIDE = /^(?:[A-Z0-9_]+_)?ROUTE_PRIORITY$/;
const TOKEN = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Validates config text from a store with the routers' own parser, for the commands that edit
 * stores. Two differences from `validate`: priority overrides of this shell are left out (the
 * orders shown are the stored ones), and a `${VAR}` this machine does not set is filled with a
 * placeholder (the router fills it from its own environment: a Lambda's or a Worker's vars are
 * not ours to know).
 *
 * @throws {InvalidConfigError} listing every error with its field
 */
export function validateStoredText(text: string, env: Record<string, string | undefined>, label: string): CheckedStoredConfig {
  const checkEnv: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(env)) if (!OVERRIDE.test(name)) checkEnv[name] = value;
  const placeholders: string[] = [];
  for (const [, name] of text.matchAll(TOKEN)) {
    if ((checkEnv[name] ?? '') !== '' || placeholders.includes(name)) continue;
    placeholders.push(name);
    // A token that is a whole JSON string is most likely a base URL: give it a valid one.
    checkEnv[name] = text.includes(`"\${${name}}"`) ? `https://${name.toLowerCase().replace(/_/g, '-')}.placeholder.invalid` : 'placeholder';
  }
  return { config: validateConfigText(text, checkEnv, label), placeholders };
}

/** Notes printed under a store command's output: placeholders used, overrides that would mask it. */
export function storedConfigNotes(checked: CheckedStoredConfig, env: Record<string, string | undefined>): string[] {
  const notes: string[] = [];
  if (checked.placeholders.length) {
    notes.push(
      `note: ${checked.placeholders.map((n) => `\${${n}}`).join(', ')} not set here; checked with a placeholder (each router fills it from its own environment)`,
    );
  }
  const overrides = Object.keys(env).filter((n) => OVERRIDE.test(n) && (env[n] ?? '').trim() !== '');
  if (overrides.length) {
    notes.push(`note: ${overrides.map((n) => `${n}=${env[n]}`).join(', ')} set in this shell; a router started with it ignores the stored priority it overrides`);
  }
  return notes;
}
