import { isAbsolute, resolve } from 'node:path';
import type { Node } from 'constructs';
import type { Env } from '../../shared/index.ts';
import { InvalidInputError } from './errors.ts';

/** Variables every deployment may set: the base URL of each provider (SPEC 1, `${VAR}`). */
export const PROVIDER_BASE_VARIABLES = ['LOCAL_BASE', 'WORKER_BASE', 'LAMBDA_BASE'] as const;

/** Auth types a Function URL accepts, as spelled in context (`-c auth=AWS_IAM`). */
export type UrlAuth = 'NONE' | 'AWS_IAM';

/** Everything a deployment decides at `cdk synth`/`cdk deploy` time rather than in code. */
export interface DeployInputs {
  /** Absolute path of the route config stored in SSM and baked into the bundle. */
  readonly configFile: string;
  /** Whether the function answers 503 to every routed request (failover drill). */
  readonly drain: boolean;
  /** Provider id of this deployment (`ROUTE_SELF`), when given. */
  readonly self?: string;
  /** Function URL auth, when given. */
  readonly auth?: UrlAuth;
  /** `ROUTE_CONFIG_MAX_AGE` in seconds, when given. */
  readonly configMaxAgeSeconds?: number;
}

/**
 * Reads the deploy-time switches from CDK context (`-c key=value`, else cdk.json's defaults).
 * Only context, never the environment: a variable left exported in a shell must not drain a
 * stack or swap its config behind the operator's back.
 *
 * | context key | default | meaning |
 * |---|---|---|
 * | `config` | `route-config.json` | route config path, relative to the repository |
 * | `drain` | `false` | `true` drains the function for a drill, `false` restores it |
 * | `self` | `3` (cdk.json) | this deployment's provider id (`ROUTE_SELF`); `-c self=` clears it |
 * | `auth` | `NONE` | `NONE` or `AWS_IAM` for the Function URL |
 * | `configMaxAge` | `10` | seconds the function caches the SSM parameter |
 *
 * @throws {InvalidInputError} naming the key when a value cannot be used.
 */
export function readDeployInputs(node: Node, repoRoot: string): DeployInputs {
  const configValue = fromContext(node, 'config') ?? 'route-config.json';
  const configFile = isAbsolute(configValue) ? configValue : resolve(repoRoot, configValue);
  const self = fromContext(node, 'self');
  const auth = fromContext(node, 'auth');
  if (auth !== undefined && auth !== 'NONE' && auth !== 'AWS_IAM') {
    throw new InvalidInputError('context "auth"', `expected NONE or AWS_IAM, got "${auth}"`);
  }
  const maxAge = fromContext(node, 'configMaxAge');
  const configMaxAgeSeconds = maxAge === undefined ? undefined : Number(maxAge);
  if (configMaxAgeSeconds !== undefined && !(Number.isInteger(configMaxAgeSeconds) && configMaxAgeSeconds > 0)) {
    throw new InvalidInputError('context "configMaxAge"', `expected a whole number of seconds > 0, got "${maxAge}"`);
  }
  return { configFile, drain: flag(node), self, auth, configMaxAgeSeconds };
}

/**
 * Values of the `${VAR}` tokens the function resolves from its environment: each name is read from
 * context first (`-c LOCAL_BASE=https://...`), then from the `cdk` process's environment. Names with
 * no value are left out, so validation reports them as unresolved.
 */
export function readVariables(node: Node, env: Env, names: Iterable<string>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = fromContext(node, name) ?? (env[name] === '' ? undefined : env[name]);
    if (value !== undefined) values[name] = value;
  }
  return values;
}

// An empty value counts as unset, so `-c self=` clears a default from cdk.json.
function fromContext(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  return value === undefined || value === null || value === '' ? undefined : String(value);
}

// `-c drain=true` arrives as a string, cdk.json may hold a boolean: accept both, reject the rest so
// that a typo (`-c drain=ture`) never deploys the opposite of what the operator meant.
function flag(node: Node): boolean {
  const raw = fromContext(node, 'drain');
  if (raw === undefined) return false;
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new InvalidInputError('context "drain"', `expected true or false, got "${raw}"`);
}
