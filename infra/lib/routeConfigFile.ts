import { readFileSync } from 'node:fs';
import { parseConfig, SSM_STANDARD_MAX_BYTES, type Env } from '../../shared/index.ts';
import { RouteConfigFileError, RouteConfigInvalidError, RouteConfigTooLargeError } from './errors.ts';

/** The router's whole-request deadline when the config sets none (SPEC 1, `deadline_ms`). */
const DEFAULT_DEADLINE_MS = 8000;

/** Largest value of an SSM Advanced-tier parameter, in bytes. */
export const SSM_ADVANCED_MAX_BYTES = 8192;

/** SSM parameter tiers the config may need. */
export type ParameterTierName = 'Standard' | 'Advanced';

/** What synth needs to know about a config that passed validation. */
export interface CheckedRouteConfig {
  /** UTF-8 size of the text, as SSM counts it. */
  readonly bytes: number;
  /** Largest `deadline_ms` of the config (top level or any route): the function must outlive it. */
  readonly maxDeadlineMs: number;
  /**
   * The SSM tier the text needs: Standard up to 4096 bytes, Advanced (paid) up to 8192. Chosen
   * here, at synth, so CloudFormation owns the tier and `flip` never has to raise it behind
   * CloudFormation's back (the CLI refuses a flip that would need another tier).
   */
  readonly tier: ParameterTierName;
}

/**
 * Reads the route config file as text, exactly as it will be stored in SSM.
 *
 * @throws {RouteConfigFileError} when the file is missing or unreadable.
 */
export function readRouteConfigFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new RouteConfigFileError(file, { cause });
  }
}

/**
 * Names of the `${VAR}` tokens a config refers to, in order of first use. The deployed function
 * resolves them from its own environment, so synth has to put each one there.
 *
 * @example
 * configVariableNames('{"providers":{"1":"${LOCAL_BASE}"}}'); // ['LOCAL_BASE']
 */
export function configVariableNames(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) names.add(match[1]);
  return [...names];
}

/**
 * Names of the `${VAR}` tokens used in a route's `auth.value`: secrets by nature, so the stack
 * never puts their values in a template (they come from SSM SecureString at run time).
 *
 * @example
 * authVariableNames('{"routes":{"task":{"priority":"1","auth":{"header":"X-Key","value":"${KEY}"}}}}'); // ['KEY']
 */
export function authVariableNames(text: string): string[] {
  let routes: unknown;
  try {
    routes = (JSON.parse(text) as { routes?: unknown } | null)?.routes;
  } catch {
    return []; // not JSON: checkRouteConfig reports it, naming line and column
  }
  if (typeof routes !== 'object' || routes === null) return [];
  const values = Object.values(routes as Record<string, { auth?: { value?: unknown } } | null>).flatMap((route) =>
    typeof route?.auth?.value === 'string' ? [route.auth.value] : [],
  );
  return configVariableNames(values.join(' '));
}

/**
 * Validates a config with the core's own parser, against the environment the deployed function
 * will have, so that synth fails on exactly what the Lambda would reject; then picks the SSM tier
 * its size needs.
 *
 * @param source - how to name the config in messages (its file path).
 * @throws {RouteConfigInvalidError} listing every problem, each naming its field.
 * @throws {RouteConfigTooLargeError} when over {@link SSM_ADVANCED_MAX_BYTES}.
 */
export function checkRouteConfig(text: string, source: string, env: Env): CheckedRouteConfig {
  try {
    parseConfig(text, env);
  } catch (cause) {
    const listed = (cause as { errors?: unknown }).errors;
    const errors = Array.isArray(listed) && listed.length > 0 ? listed.map(String) : [String((cause as Error).message)];
    throw new RouteConfigInvalidError(source, errors, { cause });
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > SSM_ADVANCED_MAX_BYTES) throw new RouteConfigTooLargeError(source, bytes, SSM_ADVANCED_MAX_BYTES);
  const tier = bytes > SSM_STANDARD_MAX_BYTES ? 'Advanced' : 'Standard';
  return { bytes, maxDeadlineMs: maxDeadlineMs(JSON.parse(text) as RawConfig), tier };
}

interface RawConfig {
  deadline_ms?: number;
  routes?: Record<string, { deadline_ms?: number }>;
}

// Read from the raw JSON: the config already passed the core's validation, so the types hold.
function maxDeadlineMs(config: RawConfig): number {
  const top = config.deadline_ms ?? DEFAULT_DEADLINE_MS;
  const routes = Object.values(config.routes ?? {}).map((route) => route.deadline_ms ?? top);
  return Math.max(top, ...routes);
}
