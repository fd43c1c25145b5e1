import { checkAppRegistry } from './hostedApps.ts';
import { CircuitBreaker } from './circuitBreaker.ts';
import type { ConfigManager } from './configManager.ts';
import { DEFAULTS } from './defaults.ts';
import { FailbackRamp } from './failbackRamp.ts';
import { HedgeBudget } from './hedgeBudget.ts';
import { LatencyTracker } from './latencyTracker.ts';
import { MemoryCache } from './memoryCache.ts';
import type { RequestDeps } from './routedRequest.ts';
import { StatusFeed } from './statusFeed.ts';
import type { AppEnv, AppRegistry, EdgeCache, LocalHandler, RequestLogEntry, UpstreamFetch } from './types.ts';
import { UsageCounters } from './usageCounters.ts';

/** Options of {@link createRouter}. */
export interface RouterOptions {
  /** The refreshing, last-known-good config owner. */
  config: ConfigManager;
  /** Upstream transport; the global `fetch` satisfies it (see {@link UpstreamFetch}). */
  fetch: UpstreamFetch;
  /**
   * The apps this deployment hosts, by name (already narrowed by `ROUTE_APPS`: {@link hostedApps}).
   * When self comes up in an app's order, that app's `fetch` serves the attempt in-process.
   * @default {} (a pure router)
   */
  apps?: AppRegistry;
  /** The `env` hosted apps receive; `ROUTE_SELF` and `ROUTE_RUNTIME` are added. @default {} */
  appEnv?: Readonly<Record<string, unknown>>;
  /** One handler for every app, served in-process when self comes up (used when `apps` has no entry for the app). */
  local?: LocalHandler;
  /** This deployment's provider id (`ROUTE_SELF`). */
  self?: string;
  /** Edge cache store. @default a bounded in-memory LRU ({@link MemoryCache}) */
  cache?: EdgeCache;
  /** Sink of the one structured log line per routed request. @default console.log as JSON */
  log?: (entry: RequestLogEntry) => void;
  /** Runtime name in the log line. */
  runtime?: string;
  /**
   * Drain switch for failover drills: every routed request answers 503 without contacting anyone,
   * so routers in front fall over to the next provider. Health and config paths still answer.
   * @default false
   */
  drain?: boolean;
  /**
   * Reads the chosen answer whole before it becomes the answer, for a runtime that buffers
   * anyway (a BUFFERED Lambda Function URL): a rejection (the body broke off) makes the attempt a
   * failed one, so the next provider is tried. @default none: answers stream through
   */
  settle?: (response: Response) => Promise<Response>;
  /** Monotonic clock for durations, in ms. @default performance.now */
  now?: () => number;
  /** Wall clock for the breaker, the cache and timestamps, in ms. @default Date.now */
  wallNow?: () => number;
  /** Uniform [0, 1) draws for the failback ramp. @default Math.random */
  random?: () => number;
}

/**
 * What one router keeps from request to request: its options with their defaults applied, and
 * the state every request reads and updates (breakers, latencies, the hedge budget, counters,
 * the edge cache). The steps of the request path (`attemptLoop.ts`, `tryStep.ts`,
 * `stepSender.ts`) take it as their first argument.
 */
export interface RouterInstance {
  readonly opts: RouterOptions;
  readonly now: () => number;
  readonly wallNow: () => number;
  readonly random: () => number;
  readonly breaker: CircuitBreaker;
  readonly latency: LatencyTracker;
  readonly ramp: FailbackRamp;
  /** Replaced when the config's `hedge_budget` changes. */
  hedgeBudget: HedgeBudget;
  readonly cache: EdgeCache;
  readonly counters: UsageCounters;
  readonly statusFeed: StatusFeed;
  readonly apps: AppRegistry;
  readonly appEnv: AppEnv;
  readonly drain: boolean;
  /** What each {@link RoutedRequest} gets: the clocks and the log sink. */
  readonly deps: RequestDeps;
}

/**
 * A router's state, with the defaults of {@link RouterOptions} in one place.
 *
 * @throws {AppRegistryError} when `opts.apps` holds something that is not an app
 * @example
 * const instance = createRouterInstance({ config: manager, fetch: globalThis.fetch });
 */
export function createRouterInstance(opts: RouterOptions): RouterInstance {
  const now = opts.now ?? (() => performance.now());
  const wallNow = opts.wallNow ?? Date.now;
  const random = opts.random ?? Math.random;
  const apps: AppRegistry = opts.apps ?? {};
  checkAppRegistry(apps);
  const log = opts.log ?? ((entry: RequestLogEntry) => console.log(JSON.stringify(entry)));
  const statusFeed = new StatusFeed();
  return {
    opts,
    now,
    wallNow,
    random,
    breaker: new CircuitBreaker(wallNow),
    latency: new LatencyTracker(),
    ramp: new FailbackRamp(random),
    hedgeBudget: new HedgeBudget(DEFAULTS.hedge_budget),
    cache: opts.cache ?? new MemoryCache(1000, 64 * 1024 * 1024, wallNow),
    counters: new UsageCounters(),
    statusFeed,
    apps,
    appEnv: { ...(opts.appEnv ?? {}), ROUTE_SELF: opts.self, ROUTE_RUNTIME: opts.runtime },
    drain: opts.drain === true,
    deps: {
      now,
      wallNow,
      runtime: opts.runtime,
      emit(entry) {
        statusFeed.record(entry);
        try {
          log(entry);
        } catch {
          // A broken log sink must not break routing.
        }
      },
    },
  };
}
