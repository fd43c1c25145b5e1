import type { Env } from '../../shared/index.ts';

/** Values of `ROUTE_DRAIN` that mean "not draining" (so `-c drain=false` deploys `"false"`). */
const OFF = new Set(['', '0', 'false', 'no', 'off']);

/**
 * `true` when `ROUTE_DRAIN` is set to a truthy value: the drill switch that makes this
 * deployment answer 503 to every routed request, so routers in front fall over to the next
 * provider (503 is in the default `fallback_on`).
 */
export function isDraining(env: Env): boolean {
  const value = env.ROUTE_DRAIN;
  return value !== undefined && !OFF.has(value.trim().toLowerCase());
}

/**
 * The drained answer: 503 JSON, without contacting any provider. `Retry-After` tells a client
 * that talks to this deployment directly that the condition is temporary.
 */
export function drainResponse(app: string): Response {
  return Response.json(
    { error: 'draining', app, attempts: [] },
    { status: 503, headers: { 'cache-control': 'no-store', 'retry-after': '30' } },
  );
}
