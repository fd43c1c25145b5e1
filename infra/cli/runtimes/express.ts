import { startExpressRouter } from '../../../functions/express/server.ts';
import type { ServeRuntime } from './types.ts';

/** `serve --runtime express`: the local Express router over the config file (live reload). */
export const serveExpress: ServeRuntime = (options) =>
  startExpressRouter({
    configPath: options.configPath,
    port: options.port,
    host: options.host,
    env: options.env,
    ...(options.self ? { self: options.self } : {}),
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
  });
