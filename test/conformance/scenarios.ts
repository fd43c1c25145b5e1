/**
 * THE conformance table: every clause of SPEC.md sections 1-8 that can be observed from outside a
 * running router (over HTTP, or in its exit code and log lines). Every runtime runs all of it
 * through `hadoku-route serve` (see {@link runConformance}); a row that cannot hold for a runtime
 * says so with `skip` and `skipReason`. The table is the contract: when a row fails, the router is
 * wrong unless SPEC.md says otherwise.
 */
import { appScenarios } from './scenarios/apps.ts';
import { breakerScenarios } from './scenarios/breaker.ts';
import { cacheScenarios } from './scenarios/cache.ts';
import { hostileCacheScenarios } from './scenarios/hostileCache.ts';
import { configScenarios } from './scenarios/config.ts';
import { edgeScenarios } from './scenarios/edge.ts';
import { bodyScenarios } from './scenarios/bodies.ts';
import { exhaustionScenarios } from './scenarios/exhaustion.ts';
import { fallbackScenarios } from './scenarios/fallback.ts';
import { healthScenarios } from './scenarios/health.ts';
import { hedgingScenarios } from './scenarios/hedging.ts';
import { hostileScenarios } from './scenarios/hostile.ts';
import { loopScenarios } from './scenarios/loops.ts';
import { reloadScenarios } from './scenarios/reload.ts';
import { requestScenarios } from './scenarios/request.ts';
import { routingScenarios } from './scenarios/routing.ts';
import { timeoutScenarios } from './scenarios/timeouts.ts';
import type { Scenario } from './world.ts';

export type { Scenario, Upstreams, World } from './world.ts';

/** Every scenario, in the order they run (one router process, one config per scenario). */
export const scenarios: readonly Scenario[] = [
  ...configScenarios,
  ...routingScenarios,
  ...requestScenarios,
  ...timeoutScenarios,
  ...fallbackScenarios,
  ...bodyScenarios,
  ...exhaustionScenarios,
  ...loopScenarios,
  ...appScenarios,
  ...healthScenarios,
  ...breakerScenarios,
  ...hedgingScenarios,
  ...cacheScenarios,
  ...hostileCacheScenarios,
  ...edgeScenarios,
  ...hostileScenarios,
  ...reloadScenarios,
];
