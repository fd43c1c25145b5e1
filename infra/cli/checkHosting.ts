import { apps } from '../../apps/index.ts';
import { hostedApps, selfProblem, type Env, type RouteConfigSnapshot } from '../../shared/index.ts';
import { InvalidConfigError } from '../kit/errors.ts';

/**
 * Checks what a deployment would host before anything runs (SPEC 4): the repository's app
 * registry (`apps/index.ts`: every name `[a-z0-9-]+`, every entry a Fetch handler), the apps
 * `ROUTE_APPS` names, and that `ROUTE_SELF` names a provider of the config. `validate` and `serve`
 * both run it, so a bad registry line fails before a deploy, naming the entry or the variable.
 *
 * @throws {InvalidConfigError} listing every problem (exit 1)
 * @example
 * checkHosting(io.env, config, 'route-config.json');
 */
export function checkHosting(env: Env, config: RouteConfigSnapshot, label: string): void {
  const problems: string[] = [];
  try {
    hostedApps(apps, env);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const self = selfProblem(env.ROUTE_SELF, config);
  if (self !== null) problems.push(`${self}: set --self (or ROUTE_SELF) to one of the providers of ${label}`);
  if (problems.length > 0) {
    throw new InvalidConfigError(`cannot host the apps (apps/index.ts), ${problems.length} problem${problems.length === 1 ? '' : 's'}`, {
      details: problems.map((p) => `- ${p}`),
    });
  }
}
