import { apps } from '../../apps/index.ts';
import { startExpressRouter } from '../../functions/express/server.ts';
import type { ServeRuntime } from './types.ts';

/**
 * `serve --runtime express`: the local Express router over the config file (live reload). With
 * `options.log` its request lines and config events go there (as for the other runtimes), else
 * the router's default: one JSON line per request on stdout. It hosts the repository's apps
 * (`apps/index.ts`), narrowed by `ROUTE_APPS`.
 */
export const serveExpress: ServeRuntime = (options) =>
  startExpressRouter({
    configPath: options.configPath,
    port: options.port,
    host: options.host,
    env: options.env,
    // The repository's apps; ROUTE_APPS in env (from `serve --apps`/`--no-apps`) narrows them.
    apps,
    ...(options.log ? { log: options.log as (entry: object) => void, configLog: options.log } : {}),
    ...(options.self ? { self: options.self } : {}),
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
  });
