/**
 * Every default of the config contract (SPEC section 1), in one place. The schema, the parser,
 * the generated JSON Schema and the README all read these values from here.
 */
export const DEFAULTS = {
  /** Order for an app with no entry in `routes`. */
  global_priority: '',
  /** Edge cache for a route. */
  cache: false,
  cache_ttl_seconds: 60,
  /** Per attempt, until response headers arrive. */
  timeout_ms: 2500,
  /** Whole request, all attempts together. */
  deadline_ms: 8000,
  /** Statuses that make the router try the next provider. */
  fallback_on: [404, '5xx'] as ReadonlyArray<number | string>,
  idempotent_only: false,
  /** Request bodies up to this are buffered so they can be replayed on fallback. */
  max_body_bytes: 10 * 1024 * 1024,
  /** Request-body bytes being received at once across every request of a process; beyond it 503. */
  max_buffered_body_bytes: 32 * 1024 * 1024,
  breaker: { failures: 3, cooldown_ms: 30_000 },
  /** Hedged fallback for idempotent requests: off (`null`), a delay in ms, or `"auto"`. */
  hedge_after_ms: null as number | 'auto' | null,
  /** Share of requests per router instance that may be hedged (token bucket), in (0, 1]. */
  hedge_budget: 0.1,
  /** Gentle failback: off (`false`), or `{ ramp_ms, start_share }`. */
  failback: false as false | { ramp_ms: number; start_share: number },
  max_hops: 4,
  backend_source: 'url' as 'url' | 'id' | 'off',
  /** Key of `/_router/status` (and `/_router/metrics`); none: any route's `auth` key opens it, no `auth` anywhere: open. */
  status_auth: null,
} as const;

/** How long past its TTL a cached answer may still be served as `STALE` when every provider fails. */
export const STALE_IF_ERROR_SECONDS = 600;

/** The Worker's KV binding and the key the routing config is stored under (SPEC 7). */
export const KV_CONFIG = { binding: 'SETTINGS', key: 'route-config' } as const;

/**
 * The shared health document (written by a scheduled prober, read by every router beside its
 * config): where it lives, how often it is written, and when it is too old to trust.
 */
export const HEALTH_DOC = {
  /** KV key beside {@link KV_CONFIG}'s `key`, in the same namespace. */
  kvKey: 'route-health',
  /** Last segment of the SSM parameter beside the config: `/hadoku-route/<stage>/route-health`. */
  ssmName: 'route-health',
  /** Path every provider is probed on (each deployment is a router and answers it). */
  probePath: '/_router/health',
  /** How often the probers run (Worker Cron, EventBridge, the local prober). */
  intervalS: 60,
  /** A document older than this many intervals is stale and ignored. */
  staleIntervals: 3,
} as const;

/** SSM Standard tier limit: a larger config is valid, but `validate` warns. */
export const SSM_STANDARD_MAX_BYTES = 4096;

/** Response headers the router adds to every routed answer. */
export const HEADER = {
  backendSource: 'x-backend-source',
  attempts: 'x-route-attempts',
  hops: 'x-route-hops',
  noFallback: 'x-no-fallback',
  requestId: 'x-request-id',
  cache: 'x-cache',
  /** A client's promise that a repeated request is deduplicated: makes any method hedgeable. */
  idempotencyKey: 'idempotency-key',
} as const;

/** A failback ramp's values when `failback` is `true` or leaves a key out. */
export const FAILBACK_RAMP = { ramp_ms: 30_000, start_share: 0.1 } as const;
