import { readFile } from 'node:fs/promises';
import { ConfigValidationError, parseConfig, type RouteConfigSnapshot } from '../../shared/index.ts';
import { DrillInputError } from './errors.ts';
import type { DrillOptions } from './runDrill.ts';

/** What a drill reads from the router's route-config.json: the settings its report judges by. */
export type RouterSettings = Required<Pick<DrillOptions, 'breaker' | 'timeoutMs' | 'hedgeAfterMs'>>;

/**
 * `breaker`, `timeout_ms` and each app's `hedge_after_ms` of a route-config.json, as the report's
 * assumptions: parsed by the routers' own `parseConfig` (so the defaults are `DEFAULTS`, never a
 * copy). Variables the drill's environment does not set are filled with a placeholder URL: only
 * timing is read here.
 *
 * @throws {DrillInputError} naming `--config` and the file when it cannot be read or does not validate.
 * @example
 * const settings = await readRouterSettings('route-config.json', process.env);
 * settings.hedgeAfterMs('task'); // 100, 'auto' or null (off)
 */
export async function readRouterSettings(file: string, env: Record<string, string | undefined>): Promise<RouterSettings> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DrillInputError(`drill: --config ${file}: ${(error as Error).message}`, { cause: error });
  }
  const filled: Record<string, string | undefined> = { ...env };
  for (const [, name] of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) filled[name!] ??= 'http://unresolved.invalid';
  let config: RouteConfigSnapshot;
  try {
    config = parseConfig(text, filled);
  } catch (error) {
    const errors = error instanceof ConfigValidationError ? error.errors.join('; ') : (error as Error).message;
    throw new DrillInputError(`drill: --config ${file}: invalid config: ${errors}`, { cause: error });
  }
  return {
    breaker: config.breaker ?? false,
    timeoutMs: config.unlisted.timeoutMs,
    hedgeAfterMs: (app) => (config.routes.get(app) ?? config.unlisted).hedgeAfterMs,
  };
}
