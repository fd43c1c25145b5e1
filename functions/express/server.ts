import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  ConfigValidationError,
  createRouter,
  hostedApps,
  selfProblem,
  isDraining,
  type AppRegistry,
  type ConfigManager,
  type Env,
  type LocalHandler,
  type RequestLogEntry,
  type UpstreamFetch,
} from '../../shared/index.ts';
import { answerClientError } from '../node/answerClientError.ts';
import { gracefulClose } from '../node/gracefulClose.ts';
import { createPoolTransport } from '../node/poolTransport.ts';
import { createLineWriter } from '../node/lineWriter.ts';
import { createFileConfig } from './fileConfigSource.ts';
import { healthIntervalSeconds, startHealthProber } from './healthProber.ts';
import { routerMiddleware } from './routerMiddleware.ts';
import { PrometheusMetrics } from './prometheusMetrics.ts';

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
  /**
   * The apps this server can host (the repository's registry, `apps/index.ts`), narrowed by
   * `env.ROUTE_APPS`; each is served in-process when self comes up in its order. @default {}
   */
  apps?: AppRegistry;
  /** One handler for every app (when `apps` has no entry for it), served in-process when self comes up. */
  local?: LocalHandler;
  /** Request log sink. @default one JSON line per request on stdout */
  log?: (entry: RequestLogEntry) => void;
  /** Upstream transport, closed with the server. @default `createPoolTransport()` (undici's pools) */
  transport?: UpstreamFetch & { close(): unknown };
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
  /**
   * Stops accepting at once, lets in-flight requests finish for up to `graceMs` (SIGTERM: the
   * config's longest `deadline_ms`), then closes every connection. @default graceMs 0: cut at once
   */
  close(graceMs?: number): Promise<void>;
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
  // Prometheus metrics (GET /_router/metrics) count the request and config logs.
  const metrics = new PrometheusMetrics();
  const config = await createFileConfig({ file: opts.configPath, env, log: metrics.configLog(opts.configLog) });
  const self = opts.self ?? env.ROUTE_SELF ?? undefined;
  const problem = selfProblem(self, await config.manager.current());
  if (problem !== null) {
    await config.close();
    throw new ConfigValidationError([problem]);
  }
  const transport = opts.transport ?? createPoolTransport();
  const router = createRouter({
    config: config.manager,
    fetch: transport,
    apps: hostedApps(opts.apps ?? {}, env),
    appEnv: env,
    local: opts.local,
    self,
    runtime: 'express',
    drain: isDraining(env),
    log: metrics.requestLog(opts.log ?? jsonLines(createLineWriter(process.stdout))),
  });
  metrics.bind({ config: config.manager, router });
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
  const server = http.createServer((req, res) => metrics.handle(req, res) || route(req, res, () => app(req, res)));
  server.keepAliveTimeout = 65_000;
  const graceful = gracefulClose(server);
  // What Node's parser refuses (a method it does not know, a malformed head) still answers JSON.
  server.on('clientError', answerClientError);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8787, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const prober = startLocalProber(config.manager, transport, env, self, url);
  return {
    url,
    port,
    async close(graceMs = 0) {
      // Stop accepting first; in-flight requests keep the config they started with.
      await graceful.close(graceMs);
      prober?.stop();
      await config.close();
      await transport.close();
    },
  };
}

/**
 * Shared health locally: an in-process prober feeds the document through the config owner, as
 * the Worker's KV and the Lambda's SSM reads do, when `ROUTE_HEALTH_INTERVAL_S` is set (`dev` sets `on` = 60 s;
 * `off` turns it off). Self is never probed (a router sends no request to itself), and a drained
 * router contacts no one (its routed paths all answer 503, so advice has no use there).
 */
function startLocalProber(manager: ConfigManager, transport: UpstreamFetch, env: Env, self: string | undefined, url: string) {
  const intervalS = healthIntervalSeconds(env);
  if (intervalS === null || isDraining(env)) return undefined;
  const ownOrigin = new URL(url).origin;
  return startHealthProber({ manager, fetch: transport, intervalS, skip: (id, base) => id === self || new URL(base).origin === ownOrigin });
}
