import type { Env } from './types.ts';

/** Values of `ROUTE_DRAIN` that mean "not draining" (so `cdk deploy -c drain=false` deploys `"false"`). */
const OFF = new Set(['', '0', 'false', 'no', 'off']);

/**
 * `true` when `ROUTE_DRAIN` holds a truthy value: the drill switch that makes a deployment answer
 * 503 to every routed request, so routers in front fall over to their next provider. Read the same
 * way by every runtime (process env locally and on Lambda, a `[vars]` entry on the Worker).
 */
export function isDraining(env: Env): boolean {
  const value = env.ROUTE_DRAIN;
  return value !== undefined && !OFF.has(value.trim().toLowerCase());
}
