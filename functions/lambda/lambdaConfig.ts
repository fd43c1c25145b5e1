import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { ConfigManager, type Env } from '../../shared/index.ts';
import { SsmReadError } from './errors.ts';
import { createSecretEnv } from './secretEnv.ts';
import { parseSecretParameters, type SecretParameter } from './secretParameters.ts';
import { createSsmConfigReader } from './ssmConfigReader.ts';

/** `ROUTE_CONFIG_MAX_AGE` when unset or not a number, in seconds (SPEC 7). */
export const DEFAULT_CONFIG_MAX_AGE_SECONDS = 10;

/**
 * `ROUTE_CONFIG_MAX_AGE` in seconds: a number >= 0 (fractions allowed, for local serving and
 * tests), else the default of 10.
 */
export function configMaxAgeSeconds(env: Env): number {
  const raw = env.ROUTE_CONFIG_MAX_AGE?.trim();
  if (raw === undefined || raw === '') return DEFAULT_CONFIG_MAX_AGE_SECONDS;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_CONFIG_MAX_AGE_SECONDS;
}

/** `ROUTE_SSM_TIMEOUT_MS` when unset or not a positive number. */
export const DEFAULT_SSM_TIMEOUT_MS = 1000;

/**
 * `ROUTE_SSM_TIMEOUT_MS`: how long one SSM request may take before it is abandoned (a positive
 * number of ms), else 1000. A refresh waits at most about twice this (one retry).
 */
export function ssmTimeoutMs(env: Env): number {
  const ms = Number(env.ROUTE_SSM_TIMEOUT_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_SSM_TIMEOUT_MS;
}

/** Options of {@link createLambdaConfigManager}. */
export interface LambdaConfigOptions {
  /**
   * `ROUTE_CONFIG_PARAMETER`, `ROUTE_CONFIG_MAX_AGE`, `ROUTE_SECRET_PARAMETERS`, `${VAR}` values
   * and priority overrides.
   */
  env: Env;
  /** Powertools SSM provider (its client carries the timeouts). */
  provider: SSMProvider;
  /** Config text baked into the bundle; the cold-start fallback when SSM fails. */
  baked?: string;
  /** Where rejected reloads are reported. */
  log?: (line: Record<string, unknown>) => void;
  /** @default Date.now */
  now?: () => number;
}

/**
 * The Lambda's config owner: the core's `ConfigManager` over the SSM parameter named by
 * `ROUTE_CONFIG_PARAMETER`, re-read every `ROUTE_CONFIG_MAX_AGE` seconds per environment. A
 * failed or invalid read keeps the last good config and backs off for max-age (one SSM call per
 * max-age during an outage, not one per request); with no last good config (cold start), the
 * baked config is served as `source: "baked"`.
 *
 * Secret `${VAR}`s (`ROUTE_SECRET_PARAMETERS`, set by the CDK stack) are read from SSM SecureString
 * with decryption before each config read, with the same max-age and last-good rule: a failed
 * secret read fails that reload, so the last good config (with the last good secret) keeps serving.
 *
 * @example
 * const config = createLambdaConfigManager({ env: process.env, provider, baked: bakedConfigText() });
 */
export function createLambdaConfigManager(options: LambdaConfigOptions): ConfigManager {
  const { env, provider } = options;
  const name = env.ROUTE_CONFIG_PARAMETER?.trim();
  const maxAgeSeconds = configMaxAgeSeconds(env);
  // The shared health document's parameter (ROUTE_HEALTH_PARAM) is read in the same call.
  const healthName = env.ROUTE_HEALTH_PARAM?.trim() || undefined;
  const readConfig = name
    ? createSsmConfigReader({ name, maxAgeSeconds, provider, healthName })
    : // A missing variable is a deployment error: fail like an unreachable store so the baked
      // config still serves, and the reason shows as last_error in /_config/route.
      () => Promise.reject(new SsmReadError('ROUTE_CONFIG_PARAMETER is not set'));
  const secrets = secretParametersOf(env);
  if (secrets instanceof Error || secrets.length === 0) {
    const read = secrets instanceof Error ? () => Promise.reject(secrets) : readConfig;
    return new ConfigManager({
      source: 'ssm',
      read,
      env,
      maxAgeMs: maxAgeSeconds * 1000,
      baked: options.baked,
      log: options.log,
      now: options.now,
    });
  }
  const secretEnv = createSecretEnv({ env, secrets, provider, maxAgeSeconds });
  let rotations = 0;
  return new ConfigManager({
    source: 'ssm',
    read: async () => {
      if (await secretEnv.refresh()) rotations++;
      const read = await readConfig();
      // A rotated secret changes the effective config, not the text: the manager parses it again.
      return read === null ? null : { ...read, envVersion: String(rotations) };
    },
    env: secretEnv.env,
    maxAgeMs: maxAgeSeconds * 1000,
    baked: options.baked,
    log: options.log,
    now: options.now,
  });
}

// A malformed list is a deployment error: reported as last_error, never a crash at init.
function secretParametersOf(env: Env): SecretParameter[] | SsmReadError {
  try {
    return parseSecretParameters(env.ROUTE_SECRET_PARAMETERS);
  } catch (error) {
    return error as SsmReadError;
  }
}
