import type { BreakerState } from './circuitBreaker.ts';
import type { RouteConfigSnapshot } from './parseConfig.ts';

/** What `GET /_router/health` says, before it becomes JSON. */
export interface HealthReport {
  /** 200 while every app has somewhere to go, else 503 so an uptime monitor notices. */
  httpStatus: 200 | 503;
  status: 'ok' | 'degraded';
  /** Apps with no provider left: every provider's breaker open, or nothing in the order. */
  degradedApps: string[];
}

/** What the report needs to know about this deployment. */
export interface HealthInputs {
  config: RouteConfigSnapshot;
  /** The breaker's view of one provider. */
  breaker(id: string): BreakerState;
  /** `true` when this deployment serves `app` in-process when provider `id` comes up (self with a local copy). */
  servesLocally(app: string, id: string): boolean;
  /** `true` when `id` is this deployment without a local copy of `app`: skipped, so not somewhere to go. */
  isSkippedSelf(app: string, id: string): boolean;
  /** Only this app (`?app=`); `null` = every app of the config. */
  only: string | null;
}

/**
 * Judges health per app (SPEC 2): an app is degraded when no provider of its order is usable,
 * i.e. every one is open in the breaker (a local copy is always usable; self without one is
 * skipped) or the order is empty. With `global_priority` set, apps not listed in `routes` are
 * judged as `*`.
 *
 * @example
 * healthReport({ config, breaker: (id) => b.state(id, s), servesLocally: () => false, isSkippedSelf: () => false, only: null })
 * // { httpStatus: 503, status: 'degraded', degradedApps: ['task'] }
 */
export function healthReport(inputs: HealthInputs): HealthReport {
  const { config } = inputs;
  const orders = new Map<string, readonly string[]>([...config.routes].map(([app, route]) => [app, route.priority]));
  if (config.globalPriority.length > 0) orders.set('*', config.globalPriority);
  const judged = inputs.only === null ? [...orders.keys()] : [inputs.only];
  const degradedApps = judged.filter((app) => {
    const order = orders.get(app) ?? orders.get('*') ?? [];
    return !order.some((id) => inputs.servesLocally(app, id) || (!inputs.isSkippedSelf(app, id) && inputs.breaker(id).state !== 'open'));
  });
  return degradedApps.length === 0
    ? { httpStatus: 200, status: 'ok', degradedApps }
    : { httpStatus: 503, status: 'degraded', degradedApps };
}
