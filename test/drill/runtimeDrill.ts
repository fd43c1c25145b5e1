import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTopology, type Topology } from '../../infra/hosts/topology.ts';
import { formatDrillReport, runDrill, standinDisabler, type DrillMode } from '../../infra/drill/index.ts';
import { DRILL, ROUTER_SETTINGS, writeDrillConfig } from './drillFixture.ts';

// 1 s, not the fixture's 600 ms: under a full test run the bundled Lambda behind its Function URL
// shim took longer than 600 ms to answer at all, so healthy providers 2 and 3 "timed out" too.
const TIMEOUT_MS = 1000;
const SETTINGS = { ...ROUTER_SETTINGS, timeoutMs: TIMEOUT_MS };

/**
 * The acceptance drill through one pure router runtime (the Worker in workerd via Miniflare, or
 * the bundled Lambda behind its Function URL shim) over the three stand-ins, provider 1 failing
 * each way in turn. One runtime per test file: each file is its own process, so one runtime's
 * host does not share an event loop with the other's under a full test run.
 */
export function describeRuntimeDrill(runtime: 'worker' | 'lambda'): void {
  const name = `${runtime} router`;
  let topology: Topology;

  beforeAll(async () => {
    topology = await startTopology({ configPath: writeDrillConfig(TIMEOUT_MS), runtimes: [runtime], standins: true });
  });
  afterAll(async () => {
    await topology?.close();
  });

  describe(`Function: runDrill through the ${name}`, () => {
    it('starts the router and names it beside its URL', () => {
      expect(topology.routers.map((r) => r.name)).toEqual([name]);
      expect(topology.table()).toMatch(new RegExp(`^${name} +http://127\\.0\\.0\\.1:\\d+ +pure router, config: `, 'm'));
    });

    it.each(['hang', 'refuse', '503'] as const)('provider 1 %s: zero failed idempotent requests', async (mode: DrillMode) => {
      // Prepare
      const router = topology.routers[0]!.url;

      // Act
      const report = await runDrill({ router, disable: '1', ...DRILL, mode, disabler: standinDisabler(), ...SETTINGS });
      console.log(formatDrillReport(report));

      // Assess
      expect(report.sent).toBeGreaterThan(DRILL.rate * DRILL.durationS * 0.8);
      expect(report.failed_idempotent).toBe(0);
      expect(report.shift_ms).not.toBeNull();
      expect(report.phases.during.by_provider['2']).toBeGreaterThan(0);
      expect(report.moved_back).toBe(true);
      if (mode === 'hang') expect(report.timeouts_paid).toBeLessThanOrEqual(report.timeouts_allowed!);
    });
  });
}
