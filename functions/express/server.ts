import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createRouter, isDraining, type Env, type LocalHandler, type RequestLogEntry } from '../../shared/index.ts';
import { createHttpTransport } from '../node/httpTransport.ts';
import { createLineWriter } from '../node/lineWriter.ts';
import { createFileConfig } from './fileConfigSource.ts';
import { routerMiddleware } from './routerMiddleware.ts';

/** Options of {@link startExpressRouter}. */
export interface ExpressRouterOptions {
  /** The route-config.json to serve and watch. */
  configPath: string;
  /** @default 8787; 0 picks a free port */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** `${VAR}` values and priority overrides. @default process.env */
  env?: Env;
  /** This deployment's provider id. @default env.ROUTE_SELF */
  self?: string;
  /** Folder served for paths that are not routed. */
  staticDir?: string;
  /** The deployment's own apps, served in-process when self comes up. */
  local?: LocalHandler;
  /** Request log sink. @default one JSON line per request on stdout */
  log?: (entry: RequestLogEntry) => void;
  /** Where config problems are reported. @default JSON on stderr */
  configLog?: (line: Record<string, unknown>) => void;
}

function jsonLines(write: (line: string) => void): (entry: RequestLogEntry) => void {
  return (entry) => write(JSON.stringify(entry));
}

/** A running local router. */
export interface RunningRouter {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the local Express router over the shared core, with the config file watched live.
 *
 * @throws {ConfigValidationError} when the config file is invalid at start (every error listed)
 * @example
 * const router = await startExpressRouter({ configPath: 'route-config.json', port: 8787 });
 * console.log(`listening on ${router.url}`);
 */
export async function startExpressRouter(opts: ExpressRouterOptions): Promise<RunningRouter> {
  const env = opts.env ?? process.env;
  const config = await createFileConfig({ file: opts.configPath, env, log: opts.configLog });
  const transport = createHttpTransport();
  const router = createRouter({
    config: config.manager,
    fetch: transport,
    local: opts.local,
    self: opts.self ?? env.ROUTE_SELF ?? undefined,
    runtime: 'express',
    drain: isDraining(env),
    log: opts.log ?? jsonLines(createLineWriter(process.stdout)),
  });
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (opts.staticDir) app.use(express.static(opts.staticDir));
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  // Routed paths are answered before Express dispatches: the app only sees what the router
  // hands on (static files, 404), which keeps Express's per-request work off the proxy path.
  const route = routerMiddleware({ router });
  const server = http.createServer((req, res) => route(req, res, () => app(req, res)));
  server.keepAliveTimeout = 65_000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8787, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    async close() {
      await config.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      transport.close();
    },
  };
}
