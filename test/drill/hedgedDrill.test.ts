import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRouterSettings, runDrill, standinDisabler } from '../../infra/drill/index.ts';
import { startTopology, type Topology } from '../../infra/hosts/topology.ts';
import { BREAKER, DRILL, TIMEOUT_MS, writeTempConfig } from './drillFixture.ts';

// Issue 15: the drill reports, per phase, attempts per request and hedged answers, and whether the
// router hedges. The drill config of the other tests, with `hedge_after_ms` on task only.
const HEDGE_AFTER_MS = 100;
let topology: Topology;
let configPath: string;

beforeAll(async () => {
  configPath = writeTempConfig('hadoku-drill-hedge-', {
    global_priority: '12',
    routes: { task: { priority: '123', hedge_after_ms: HEDGE_AFTER_MS } },
    providers: { '1': '${LOCAL_BASE}', '2': '${WORKER_BASE}', '3': '${LAMBDA_BASE}' },
    timeout_ms: TIMEOUT_MS,
    breaker: { failures: BREAKER.failures, cooldown_ms: BREAKER.cooldownMs },
  });
  topology = await startTopology({ configPath, runtimes: ['express'], standins: true });
});
afterAll(async () => {
  await topology?.close();
});

describe('Function: readRouterSettings', () => {
  it("reads each app's hedge_after_ms with the routers' parser (an app without a route: the top level)", async () => {
    const settings = await readRouterSettings(configPath, {});
    expect(settings.hedgeAfterMs('task')).toBe(HEDGE_AFTER_MS);
    expect(settings.hedgeAfterMs('hadoku-drill')).toBeNull();
    expect(settings).toMatchObject({ timeoutMs: TIMEOUT_MS, breaker: BREAKER });
  });
});

describe('Function: runDrill with hedging on', () => {
  it('provider 1 hangs: the hedged answers are counted, with the extra attempts, and the report says hedging is on', async () => {
    // Prepare
    const settings = await readRouterSettings(configPath, {});
    // Act
    const report = await runDrill({
      router: topology.routers[0]!.url,
      disable: '1',
      ...DRILL,
      mode: 'hang',
      methods: ['GET'],
      disabler: standinDisabler(),
      ...settings,
    });
    // Assess
    expect(report.hedging).toEqual({ after_ms: HEDGE_AFTER_MS, source: 'config' });
    // The first requests after provider 1 hung were hedged to 2 (its breaker closed, the budget full).
    // Zero loss is the acceptance tests' claim (drill.test.ts); this one is about what the report counts.
    expect(report.phases.during.hedged).toBeGreaterThan(0);
    expect(report.phases.during.attempts_per_request).toBeGreaterThan(1);
    expect(report.phases.before.attempts_per_request).toBeGreaterThanOrEqual(1);
  });
});
