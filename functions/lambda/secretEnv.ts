import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { Env } from '../../shared/index.ts';
import { describeSdkError, SsmReadError } from './errors.ts';
import type { SecretParameter } from './secretParameters.ts';

/** Options of {@link createSecretEnv}. */
export interface SecretEnvOptions {
  /** The function's own environment (provider bases, `ROUTE_*`). */
  env: Env;
  /** Which variables are secret and where each lives. */
  secrets: readonly SecretParameter[];
  /** Powertools SSM provider (its client carries the timeouts). */
  provider: SSMProvider;
  /** Powertools cache lifetime in seconds (`ROUTE_CONFIG_MAX_AGE`). */
  maxAgeSeconds: number;
}

/** An environment whose secret variables are filled from SSM SecureString. */
export interface SecretEnv {
  /**
   * `env` plus every secret read so far. The same object throughout: the config manager reads
   * it on each reload, so a rotated secret is picked up with the next config read.
   */
  readonly env: Env;
  /**
   * Reads every secret again, with decryption. A secret that fails keeps its last good value;
   * the call still rejects (naming the parameter, never a value), so the config manager keeps
   * its last good config and shows the reason as `last_error`, exactly as for the config itself.
   * Resolves whether any value changed (a rotation).
   */
  refresh(): Promise<boolean>;
}

/**
 * Secret `${VAR}` values for the Lambda, read from SSM SecureString through Powertools with
 * decryption, so they are never in the function's configuration, the template or `cdk.out`.
 * Refreshed together with the config (same max-age, same last-good rule). With no value at all
 * (cold start, SSM down) the variable stays unset: the config is rejected as unresolved and the
 * router fails closed, never with an empty key.
 *
 * @example
 * const secrets = createSecretEnv({ env: process.env, secrets: parseSecretParameters(process.env.ROUTE_SECRET_PARAMETERS), provider, maxAgeSeconds: 10 });
 * await secrets.refresh();
 */
export function createSecretEnv(options: SecretEnvOptions): SecretEnv {
  const { secrets, provider, maxAgeSeconds } = options;
  const env: Record<string, string | undefined> = { ...options.env };
  // A secret must come from SSM: a same-named plain variable is ignored rather than trusted.
  for (const { variable } of secrets) delete env[variable];
  const refresh = async (): Promise<boolean> => {
    let changed = false;
    const results = await Promise.allSettled(
      secrets.map(async ({ variable, parameter }) => {
        const value = await provider.get(parameter, { decrypt: true, maxAge: maxAgeSeconds, forceFetch: true });
        if (typeof value !== 'string' || value === '') throw new Error('no value');
        if (env[variable] !== value) changed = true;
        env[variable] = value;
      }),
    );
    const failed = results.flatMap((result, i) => (result.status === 'rejected' ? [{ ...secrets[i]!, reason: result.reason }] : []));
    if (failed.length > 0) {
      const names = failed.map((f) => `${f.parameter} (${describeSdkError(f.reason)})`).join(', ');
      throw new SsmReadError(`secret parameter(s) not read: ${names}`, { cause: failed[0]!.reason });
    }
    return changed;
  };
  return { env, refresh };
}
