import {
  checkAppRegistry,
  ConfigManager,
  createRouter,
  hostedApps,
  isDraining,
  type AppRegistry,
  type EdgeCache,
  type Env,
  type Router,
  type UpstreamFetch,
} from '../../shared/index.ts';
import { CacheApiStore } from './cacheApiStore.ts';
import { createFetchTransport } from './fetchTransport.ts';
import { createKvConfigReader } from './kvConfigReader.ts';
import { refuseBadHost } from './refuseBadHost.ts';
import { scheduledProbe } from './scheduledProbe.ts';
import type { WorkerEnv } from './workerEnv.ts';

/** Seconds an isolate keeps the KV config when `ROUTE_CONFIG_MAX_AGE` is unset or not a number. */
export const DEFAULT_CONFIG_MAX_AGE_SECONDS = 10;

/** Options of {@link createWorker}. */
export interface CreateWorkerOptions {
  /** JSON text baked into the bundle, served (source `"baked"`) when KV has nothing valid. */
  baked?: string;
  /** Wall clock in ms for the config max-age, the breaker and cache freshness. @default Date.now */
  now?: () => number;
  /** Upstream fetch. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Edge cache store. @default a {@link CacheApiStore} over `caches.default` */
  cache?: EdgeCache;
  /**
   * The apps this Worker can host (the repository's registry, `apps/index.ts`), narrowed by the
   * `ROUTE_APPS` var. Each gets the Worker's `env` and `ctx`, as a Worker module would.
   * @default {} (a pure router)
   */
  apps?: AppRegistry;
}

/** The module Worker's handler: `export default createWorker(...)`. */
export interface RouterWorker {
  fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response>;
  /** The Cron Trigger (`[triggers] crons` in wrangler.toml): one health probe round into KV. Never throws. */
  scheduled(controller: ScheduledController, env: WorkerEnv, ctx: ExecutionContext): Promise<void>;
}

/** What an isolate keeps between events: the router and the config owner and transport it shares with the prober. */
interface Isolate {
  router: Router;
  config: ConfigManager;
  transport: UpstreamFetch;
  /** This deployment, for the probe round: reported from the inside. */
  self: { id: string; draining: boolean } | undefined;
}

/**
 * Builds the router Worker: the shared core over KV config, the Cache API and `fetch`.
 *
 * The router (config memo, breakers) is created on the first request and kept in the closure,
 * that is once per isolate when the handler lives in module scope: a busy isolate therefore reads
 * KV at most once per `ROUTE_CONFIG_MAX_AGE` instead of on every request. Paths the router does
 * not own go to the `STATIC` assets binding. The Cron Trigger's `scheduled` event probes every
 * provider with the same config owner and transport and writes the shared health document to KV
 * beside the config (see `scheduledProbe.ts`).
 *
 * @example
 * import baked from '../../route-config.json';
 * export default createWorker({ baked: JSON.stringify(baked) });
 */
export function createWorker(options: CreateWorkerOptions = {}): RouterWorker {
  // At module evaluation, so a bad registry entry fails the upload (and every local start) by name.
  checkAppRegistry(options.apps ?? {});
  let isolate: Isolate | undefined;
  return {
    async fetch(request, env, ctx) {
      const badHost = refuseBadHost(request);
      if (badHost) return badHost;
      // Vars and secrets only change with a new deployment (new isolates): the first env is the env.
      isolate ??= buildIsolate(env, options);
      const response = await isolate.router.handle(request, {
        clientAddress: request.headers.get('cf-connecting-ip') ?? undefined,
        waitUntil: (promise) => ctx.waitUntil(promise),
      });
      return response ?? env.STATIC.fetch(request);
    },
    async scheduled(_controller, env) {
      isolate ??= buildIsolate(env, options);
      // Awaited, not waitUntil: the round is the whole event, and its end is the cron's outcome.
      await scheduledProbe({
        config: isolate.config,
        fetch: isolate.transport,
        kv: env.SETTINGS,
        log,
        now: options.now,
        self: isolate.self,
      });
    },
  };
}

const log = (line: Record<string, unknown>): void => console.log(JSON.stringify(line));

function buildIsolate(env: WorkerEnv, options: CreateWorkerOptions): Isolate {
  const vars = stringVars(env);
  const config = new ConfigManager({
    source: 'kv',
    read: createKvConfigReader(env.SETTINGS),
    env: vars,
    maxAgeMs: configMaxAgeSeconds(vars.ROUTE_CONFIG_MAX_AGE) * 1000,
    baked: options.baked,
    now: options.now,
    log,
  });
  const transport = createFetchTransport(options.fetch);
  const router = createRouter({
    config,
    fetch: transport,
    cache: options.cache ?? new CacheApiStore(),
    self: vars.ROUTE_SELF || undefined,
    apps: hostedApps(options.apps ?? {}, vars),
    appEnv: env as unknown as Record<string, unknown>,
    runtime: 'worker',
    drain: isDraining(vars),
    wallNow: options.now,
  });
  const self = vars.ROUTE_SELF ? { id: vars.ROUTE_SELF, draining: isDraining(vars) } : undefined;
  return { router, config, transport, self };
}

/** Vars and secrets are strings; bindings (KV, assets) are objects and stay out of `${VAR}`. */
function stringVars(env: WorkerEnv): Env {
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') vars[name] = value;
  return vars;
}

/**
 * Parses `ROUTE_CONFIG_MAX_AGE` (seconds, fractions allowed).
 * @default 10 when unset, empty or not a non-negative number
 */
export function configMaxAgeSeconds(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_CONFIG_MAX_AGE_SECONDS;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_CONFIG_MAX_AGE_SECONDS;
}
