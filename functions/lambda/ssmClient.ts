import { SSMClient } from '@aws-sdk/client-ssm';
import type { Env } from '../../shared/index.ts';

/** Options of {@link createSsmClient}. */
export interface SsmClientOptions {
  /** Per HTTP request, to the whole response. @default 1000 */
  requestTimeoutMs?: number;
  /** To an established TCP connection. @default 1000 */
  connectionTimeoutMs?: number;
  /** Total tries per read (1 = no retry). @default 2 */
  maxAttempts?: number;
}

/**
 * The SSM client the router reads its config with, with timeouts that actually end a call:
 * `requestTimeout` alone only logs a warning and a silent endpoint would hang the request that
 * triggered the refresh, so `throwOnRequestTimeout` is on. Two attempts bound a read during an
 * outage to about 2 x timeout + one backoff, after which the config manager backs off for max-age.
 *
 * `AWS_ENDPOINT_URL_SSM` and `AWS_REGION` are taken from `env` when present (the SDK would read
 * them from `process.env` anyway; passing them lets several local routers in one process talk to
 * different SSM stand-ins). Credentials come from the SDK's default chain.
 *
 * @example
 * const client = createSsmClient(process.env);
 */
export function createSsmClient(env: Env, options: SsmClientOptions = {}): SSMClient {
  const endpoint = env.AWS_ENDPOINT_URL_SSM;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return new SSMClient({
    maxAttempts: options.maxAttempts ?? 2,
    requestHandler: {
      requestTimeout: options.requestTimeoutMs ?? 1000,
      connectionTimeout: options.connectionTimeoutMs ?? 1000,
      throwOnRequestTimeout: true,
    },
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
  });
}
