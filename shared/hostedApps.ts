import { AppRegistryError } from './errors.ts';
import type { AppModule, AppRegistry, Env } from './types.ts';

/** An app name: the `<app>` of `/<app>/api` (SPEC 2). */
const APP_NAME = /^[a-z0-9-]+$/;

/** Values of `ROUTE_APPS` that mean "host no app": a pure router. */
const NONE = new Set(['none', '-']);

/**
 * Checks a registry before anything is served: every key is a valid app name and every entry has
 * a `fetch` function. Run by every adapter at start, by `validate`, by `cdk synth` and by the
 * Worker build, so a bad entry fails early with its name, never as a 404 at request time.
 *
 * @throws {AppRegistryError} naming the first bad entry
 * @example
 * checkAppRegistry({ task, watchparty }); // ok
 * checkAppRegistry({ Task: task });       // throws: app registry entry "Task": not a valid app name ...
 */
export function checkAppRegistry(apps: Readonly<Record<string, unknown>>): asserts apps is AppRegistry {
  for (const [name, app] of Object.entries(apps)) {
    if (!APP_NAME.test(name)) {
      throw new AppRegistryError(
        `app registry entry "${name}": not a valid app name (lower-case letters, digits and "-", as in /<app>/api)`,
      );
    }
    if (typeof (app as Partial<AppModule> | null)?.fetch !== 'function') {
      throw new AppRegistryError(
        `app registry entry "${name}": has no fetch(request, env) function (export a Worker-style module or a Hono app)`,
      );
    }
  }
}

/**
 * The apps this deployment hosts: the registry narrowed by `ROUTE_APPS` (a comma list of names;
 * unset or empty = every app of the registry; `none` = a pure router that hosts nothing).
 *
 * @throws {AppRegistryError} when the registry is invalid or `ROUTE_APPS` names an app it does not have
 * @example
 * hostedApps({ task, watchparty }, { ROUTE_APPS: 'watchparty' }); // { watchparty }
 */
export function hostedApps(registry: Readonly<Record<string, unknown>>, env: Env): AppRegistry {
  checkAppRegistry(registry);
  const list = env.ROUTE_APPS?.trim() ?? '';
  if (list === '') return registry;
  if (NONE.has(list.toLowerCase())) return {};
  const hosted: Record<string, AppModule> = {};
  for (const name of list
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)) {
    const app = registry[name];
    if (!app) {
      const known = Object.keys(registry).join(', ') || 'none';
      throw new AppRegistryError(`ROUTE_APPS: unknown app "${name}" (the registry has: ${known}; "none" hosts no app)`);
    }
    hosted[name] = app;
  }
  return hosted;
}
