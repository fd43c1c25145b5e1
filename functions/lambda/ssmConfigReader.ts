import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { GetParametersCommand, type GetParametersCommandOutput } from '@aws-sdk/client-ssm';
import type { ConfigReader } from '../../shared/index.ts';
import { describeSdkError, SsmReadError } from './errors.ts';

/** Options of {@link createSsmConfigReader}. */
export interface SsmConfigReaderOptions {
  /** Parameter name (`ROUTE_CONFIG_PARAMETER`). */
  name: string;
  /** Powertools cache lifetime in seconds (`ROUTE_CONFIG_MAX_AGE`). */
  maxAgeSeconds: number;
  /** Powertools SSM provider over a client with real timeouts (see `createSsmClient`). */
  provider: SSMProvider;
  /**
   * The shared health document's parameter (`ROUTE_HEALTH_PARAM`): when set, it is read with the
   * config in one `GetParameters` call. @default none: the config alone, as before
   */
  healthName?: string;
}

/**
 * Reads the route config from one SSM parameter through Powertools Parameters.
 *
 * The core's `ConfigManager` owns freshness (max-age, last-known-good, backoff) and only calls
 * this when its copy is older than max-age, so the read forces a fetch: letting Powertools answer
 * from its own cache here would double the staleness, because its entry expires max-age after the
 * previous read *completed* while the manager re-reads max-age after it *started*.
 *
 * Resolves `null` when the parameter does not exist (the store answered: nothing there), rejects
 * with {@link SsmReadError} when SSM could not be read (outage, throttling, timeout, access denied).
 *
 * With `healthName`, config and health document come back from ONE `GetParameters` call on the
 * provider's own client (same timeouts and retries), so the shared health costs no extra round
 * trip; a health parameter that does not exist yet is just "missing" (`health: null`).
 *
 * @example
 * new ConfigManager({ source: 'ssm', read: createSsmConfigReader({ name, maxAgeSeconds: 10, provider }), env });
 */
export function createSsmConfigReader(options: SsmConfigReaderOptions): ConfigReader {
  const { name, maxAgeSeconds, provider, healthName } = options;
  if (healthName) return () => readWithHealth(provider, name, healthName);
  return async () => {
    let value: string | undefined;
    try {
      value = await provider.get(name, { maxAge: maxAgeSeconds, forceFetch: true });
    } catch (error) {
      if (isParameterNotFound(error)) return null;
      throw new SsmReadError(`GetParameter ${name} failed: ${describeSdkError(error)}`, { cause: error });
    }
    return value === undefined ? null : { text: value };
  };
}

/**
 * Config and health in one `GetParameters` call. Not Powertools' `getParametersByName`: it
 * answers from its own cache when the entries are younger than max-age and has no `forceFetch`,
 * which would double the staleness the manager already owns (see above).
 */
async function readWithHealth(provider: SSMProvider, name: string, healthName: string) {
  let result: GetParametersCommandOutput;
  try {
    result = await provider.client.send(new GetParametersCommand({ Names: [name, healthName] }));
  } catch (error) {
    throw new SsmReadError(`GetParameters ${name}, ${healthName} failed: ${describeSdkError(error)}`, { cause: error });
  }
  // A name SSM does not know comes back in InvalidParameters, not as an error.
  const value = (wanted: string) => result.Parameters?.find((p) => p.Name === wanted)?.Value;
  const text = value(name);
  return text === undefined ? null : { text, health: value(healthName) ?? null };
}

/** Powertools wraps the SDK's `ParameterNotFound` in a `GetParameterError`; look through `cause`. */
function isParameterNotFound(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e.name === 'ParameterNotFound') return true;
  }
  return false;
}
