import { isAbsolute, resolve } from 'node:path';
import type { Node } from 'constructs';
import type { Env } from '../../shared/index.ts';
import { InvalidInputError } from './errors.ts';
import { DEFAULT_STAGE, isStageName } from './stageNames.ts';

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
  /** Deployment stage (`dev`, `prod`, ...): part of every name, so stages live side by side. */
  readonly stage: string;
  /** Address the alarm topic mails, when given. */
  readonly alarmEmail?: string;
  /** Reserved concurrency of the function: the most environments it may run at once. */
  readonly reservedConcurrency: number;
  /** `ROUTE_APPS`: the hosted subset of the app registry, when given (`none` = pure router). */
  readonly apps?: string;
  /** Names of `${VAR}`s declared secret with `-c secrets=A,B` (besides those used as `auth.value`). */
  readonly secrets: readonly string[];
}

/** Reserved concurrency when `-c reservedConcurrency=` is not given. */
export const DEFAULT_RESERVED_CONCURRENCY = 10;

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
 * | `stage` | `dev` | `[a-z0-9-]{1,20}`: stack id, SSM names, log group, alarms and tags carry it |
 * | `alarmEmail` | none | an address the alarm topic mails (it must confirm the subscription) |
 * | `reservedConcurrency` | `10` | cap on concurrent environments, so a flood of the public URL has a cost ceiling |
 * | `apps` | all | `ROUTE_APPS`: comma list of the registry's apps this function hosts, `none` for a pure router |
 * | `secrets` | none | comma list of `${VAR}`s read from SSM SecureString (every `auth.value` variable is one anyway) |
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
  return {
    configFile,
    drain: flag(node),
    self,
    auth,
    configMaxAgeSeconds,
    stage: readStage(node),
    alarmEmail: readAlarmEmail(node),
    reservedConcurrency: readReservedConcurrency(node),
    apps: fromContext(node, 'apps'),
    secrets: readSecretNames(node),
  };
}

/**
 * The stage from `-c stage=` (default `dev`); infra/bin/app.ts needs it before the stack exists,
 * to name the stack.
 *
 * @throws {InvalidInputError} naming `context "stage"` when it is not `[a-z0-9-]{1,20}`.
 */
export function readStage(node: Node): string {
  const stage = fromContext(node, 'stage') ?? DEFAULT_STAGE;
  if (!isStageName(stage)) {
    throw new InvalidInputError('context "stage"', `expected 1-20 of a-z, 0-9 and "-", got "${stage}"`);
  }
  return stage;
}

// Deliberately plain: one "@", no spaces, a dotted domain. SNS is the real judge; this catches the
// slips (a missing value, a pasted name) before a deploy subscribes nobody.
function readAlarmEmail(node: Node): string | undefined {
  const email = fromContext(node, 'alarmEmail');
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new InvalidInputError('context "alarmEmail"', `expected an e-mail address, got "${email}"`);
  }
  return email;
}

function readReservedConcurrency(node: Node): number {
  const raw = fromContext(node, 'reservedConcurrency');
  if (raw === undefined) return DEFAULT_RESERVED_CONCURRENCY;
  const value = Number(raw);
  // 0 would throttle every request: that is a drain, which has its own switch (`-c drain=true`).
  if (!Number.isInteger(value) || value < 1 || value > 1000) {
    throw new InvalidInputError('context "reservedConcurrency"', `expected a whole number from 1 to 1000, got "${raw}"`);
  }
  return value;
}

function readSecretNames(node: Node): string[] {
  const raw = fromContext(node, 'secrets');
  if (raw === undefined) return [];
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const bad = names.find((name) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
  if (bad !== undefined) throw new InvalidInputError('context "secrets"', `"${bad}" is not a variable name`);
  return names;
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
