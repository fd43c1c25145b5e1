import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTopology, type Topology } from '../../infra/hosts/topology.ts';
import { startRouterProcess, type RouterProcess } from '../support/routerProcess.ts';
import { formatDrillReport, runDrill, standinDisabler, type DrillMode } from '../../infra/drill/index.ts';
import { DRILL, ROUTER_SETTINGS, writeDrillConfig } from './drillFixture.ts';

// Under a full test run on two cores a router in the test's own process (the Lambda's Function URL
// shim is in-process) lagged past 600 ms, then past 1 s, so healthy providers 2 and 3 "timed out"
// too and requests failed with every attempt a timeout (p50 ~3-4 s). The drills now go through the
// runtime in its own process, at 1.5 s per attempt and half the fixture's rate, so that they are
// about the router, not about the machine's load. Phases of 3 s, not 2: attempts that
// hang past the re-enable still count against provider 1 for up to 1.5 s, and the breaker's
// half-open trial must come after them for traffic to be seen coming back.
const TIMEOUT_MS = 1500;
const SETTINGS = { ...ROUTER_SETTINGS, timeoutMs: TIMEOUT_MS };
const LOAD = { rate: DRILL.rate / 2, durationS: 9 };

/**
 * The acceptance drill through one pure router runtime (the Worker in workerd via Miniflare, or
 * the bundled Lambda behind its Function URL shim) over the three stand-ins, provider 1 failing
 * each way in turn. One runtime per test file: each file is its own process, so one runtime's
 * host does not share an event loop with the other's under a full test run.
 */
export function describeRuntimeDrill(runtime: 'worker' | 'lambda'): void {
  const name = `${runtime} router`;
  let topology: Topology;
  let drilled: RouterProcess;

  beforeAll(async () => {
    const configPath = writeDrillConfig(TIMEOUT_MS);
    topology = await startTopology({ configPath, runtimes: [runtime], standins: true });
    // The drills go through the same runtime started as its own process (`hadoku-route serve`),
    // so its event loop is not the one the drill's traffic and the stand-ins share here.
    const urls = topology.providerUrls;
    const env = { LOCAL_BASE: urls['1']!, WORKER_BASE: urls['2']!, LAMBDA_BASE: urls['3']!, ROUTE_APPS: 'none' };
    drilled = await startRouterProcess({ runtime, config: readFileSync(configPath, 'utf8'), env });
  }, 120_000);
  afterAll(async () => {
    await drilled?.stop();
    await topology?.close();
  });

  describe(`Function: runDrill through the ${name}`, () => {
    it('starts the router and names it beside its URL', () => {
      expect(topology.routers.map((r) => r.name)).toEqual([name]);
      expect(topology.table()).toMatch(new RegExp(`^${name} +http://127\\.0\\.0\\.1:\\d+ +pure router, config: `, 'm'));
    });

    it.each(['hang', 'refuse', '503'] as const)(
      'provider 1 %s: zero failed idempotent requests',
      { timeout: 60_000 },
      async (mode: DrillMode) => {
        // Prepare
        const router = drilled.baseUrl;

        // Act
        const report = await runDrill({ router, disable: '1', ...LOAD, mode, disabler: standinDisabler(), ...SETTINGS });
        console.log(formatDrillReport(report));

        // Assess
        expect(report.sent).toBeGreaterThan(LOAD.rate * LOAD.durationS * 0.8);
        expect(report.failed_idempotent).toBe(0);
        expect(report.shift_ms).not.toBeNull();
        expect(report.phases.during.by_provider['2']).toBeGreaterThan(0);
        expect(report.moved_back).toBe(true);
        if (mode === 'hang') expect(report.timeouts_paid).toBeLessThanOrEqual(report.timeouts_allowed!);
      },
    );
  });
}
