import { SsmReadError } from './errors.ts';

/** One secret `${VAR}` and the SSM SecureString parameter that holds its value. */
export interface SecretParameter {
  /** The variable name the config uses (`TASK_ADMIN_KEY` for `${TASK_ADMIN_KEY}`). */
  readonly variable: string;
  /** The SecureString parameter name (`/hadoku-route/prod/secrets/TASK_ADMIN_KEY`). */
  readonly parameter: string;
}

/**
 * Parses `ROUTE_SECRET_PARAMETERS`, as the CDK stack sets it: `VAR=/parameter/name` pairs,
 * comma-separated. Unset or empty means no secrets.
 *
 * @throws {SsmReadError} naming the malformed entry (a deployment error: it fails like an
 *   unreachable store, so the reason shows as `last_error`).
 * @example
 * parseSecretParameters('TASK_ADMIN_KEY=/hadoku-route/prod/secrets/TASK_ADMIN_KEY');
 * // [{ variable: 'TASK_ADMIN_KEY', parameter: '/hadoku-route/prod/secrets/TASK_ADMIN_KEY' }]
 */
export function parseSecretParameters(value: string | undefined): SecretParameter[] {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.map((entry) => {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(\S+)$/.exec(entry);
    if (!match) throw new SsmReadError(`ROUTE_SECRET_PARAMETERS: "${entry}" is not VAR=/parameter/name`);
    return { variable: match[1]!, parameter: match[2]! };
  });
}
