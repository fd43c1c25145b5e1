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
  breaker: { failures: 3, cooldown_ms: 30_000 },
  max_hops: 4,
  backend_source: 'url' as 'url' | 'id' | 'off',
} as const;

/** How long past its TTL a cached answer may still be served as `STALE` when every provider fails. */
export const STALE_IF_ERROR_SECONDS = 600;

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
} as const;
