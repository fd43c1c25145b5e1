import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTopology, type Topology } from '../../infra/hosts/topology.ts';
import { formatDrillReport, runDrill, standinDisabler, type DrillMode } from '../../infra/drill/index.ts';
import { DRILL, ROUTER_SETTINGS, writeDrillConfig } from './drillFixture.ts';

// The Worker (workerd via Miniflare) and the bundled Lambda behind its Function URL shim, both over
// the same config file and the same three stand-ins: the acceptance drill per runtime.
let topology: Topology;
// 1 s, not the fixture's 600 ms: under a full test run the bundled Lambda behind its Function URL
// shim took longer than 600 ms to answer at all, so healthy providers 2 and 3 "timed out" too.
const TIMEOUT_MS = 1000;
const SETTINGS = { ...ROUTER_SETTINGS, timeoutMs: TIMEOUT_MS };

beforeAll(async () => {
  topology = await startTopology({ configPath: writeDrillConfig(TIMEOUT_MS), runtimes: ['worker', 'lambda'], standins: true });
});
afterAll(async () => {
  await topology?.close();
});

describe('Function: runDrill through the Worker and Lambda routers', () => {
  it('starts both routers and names each beside its URL', () => {
    expect(topology.routers.map((r) => r.name)).toEqual(['worker router', 'lambda router']);
    expect(topology.table()).toMatch(/^worker router +http:\/\/127\.0\.0\.1:\d+ +pure router, config: /m);
    expect(topology.table()).toMatch(/^lambda router +http:\/\/127\.0\.0\.1:\d+ +pure router, config: /m);
  });

  it.each([
    // The full matrix the issue asks for (express runs all three in drill.test.ts).
    ['worker router', 'hang'],
    ['worker router', 'refuse'],
    ['worker router', '503'],
    ['lambda router', 'hang'],
    ['lambda router', 'refuse'],
    ['lambda router', '503'],
  ] as const)('%s, provider 1 %s: zero failed idempotent requests', async (name, mode: DrillMode) => {
    // Prepare
    const router = topology.routers.find((r) => r.name === name)!.url;

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
