import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../shared/index.ts';
import { startTopology, type Topology } from '../../infra/hosts/topology.ts';
import {
  DrillInputError,
  InvalidRouterUrlError,
  OutOfBoundsError,
  RouterUnreachableError,
  UnknownProviderError,
  formatDrillReport,
  liveView,
  runDrill,
  standinDisabler,
  type DrillMode,
} from '../../infra/drill/index.ts';
import { main } from '../../infra/cli/main.ts';
import { ExitCode } from '../../infra/kit/exitCodes.ts';
import { memoryIo } from '../support/memoryIo.ts';
import { freePort } from '../support/ports.ts';
import { BREAKER, DRILL, frameSink, ROUTER_SETTINGS, TIMEOUT_MS, writeDrillConfig, writeTempConfig } from './drillFixture.ts';

let configPath: string;

// One Express topology for the file: three stand-ins and the router over the drill config.
let topology: Topology;
let router: string;
const routed: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  configPath = writeDrillConfig();
  topology = await startTopology({
    configPath,
    runtimes: ['express'],
    standins: true,
    log: (line) => void (line.msg === 'routed' && routed.push(line)),
  });
  router = topology.routers[0]!.url;
});
afterAll(async () => {
  await topology?.close();
});

describe('Function: runDrill', () => {
  describe('refusals before any traffic', () => {
    const base = (): Parameters<typeof runDrill>[0] => ({ router, disable: '1', rate: 40, durationS: 6, disabler: standinDisabler() });

    it.each([
      ['rate 0', { rate: 0 }, OutOfBoundsError, /--rate must be a number from 1 to 500 requests per second \(got 0\)/],
      ['rate 501', { rate: 501 }, OutOfBoundsError, /--rate .* \(got 501\)/],
      ['rate NaN', { rate: Number.NaN }, OutOfBoundsError, /--rate/],
      ['duration 2', { durationS: 2 }, OutOfBoundsError, /--duration must be a number from 3 to 600 seconds \(got 2\)/],
      ['duration 601', { durationS: 601 }, OutOfBoundsError, /--duration .* \(got 601\)/],
      ['router not a URL', { router: 'localhost:8787' }, InvalidRouterUrlError, /--router must be an absolute http\(s\) URL/],
      ['mode', { mode: 'off' as DrillMode }, DrillInputError, /--mode must be refuse, hang or 503/],
    ])('refuses %s with the reason and sends nothing', async (_name, override, errorClass, message) => {
      // Prepare
      const before = routed.length;
      // Act + Assess
      const drill = runDrill({ ...base(), ...override });
      await expect(drill).rejects.toThrow(errorClass);
      await expect(drill).rejects.toThrow(message);
      expect(routed.length).toBe(before);
    });

    it('refuses a router URL that does not answer', async () => {
      const refused = `http://127.0.0.1:${await freePort()}`;
      const drill = runDrill({ ...base(), router: refused });
      await expect(drill).rejects.toThrow(RouterUnreachableError);
      await expect(drill).rejects.toThrow(
        `the router at ${refused} does not answer GET /_config/route (connection refused); nothing was sent`,
      );
    });

    it('refuses a URL that answers but is not a router (a stand-in)', async () => {
      const drill = runDrill({ ...base(), router: topology.standins[0]!.url });
      await expect(drill).rejects.toThrow(/does not answer GET \/_config\/route \(HTTP 404\)/);
    });

    it('refuses a provider id that is not in the router config, listing the known ones', async () => {
      const before = routed.length;
      const drill = runDrill({ ...base(), disable: '7' });
      await expect(drill).rejects.toThrow(UnknownProviderError);
      await expect(drill).rejects.toThrow("drill: provider '7' is not in the router's config (known: 1, 2, 3)");
      expect(routed.length).toBe(before);
    });

    it('refuses a provider that is not a ready stand-in when disabling through the stand-in admin path', async () => {
      await topology.standins[1]!.setMode('503');
      try {
        const drill = runDrill({ ...base(), disable: '2' });
        await expect(drill).rejects.toThrow(
          /provider '2' at http:\/\/127\.0\.0\.1:\d+ is not a local stand-in ready to disable \(it is already in mode '503'/,
        );
      } finally {
        await topology.standins[1]!.setMode('ok');
      }
    });
  });

  describe('acceptance through the Express router', () => {
    it.each(['refuse', 'hang', '503'] as const)(
      'provider 1 %s: zero failed idempotent requests, traffic moves off and back',
      async (mode) => {
        // Act
        const report = await runDrill({ router, disable: '1', ...DRILL, mode, disabler: standinDisabler(), ...ROUTER_SETTINGS });
        console.log(formatDrillReport(report));

        // Assess
        expect(report.sent).toBeGreaterThan(DRILL.rate * DRILL.durationS * 0.8);
        expect(report.failed_idempotent).toBe(0);
        expect(report.failed_by_method.GET ?? 0).toBe(0);
        // Provider 1 carried the traffic; a request still in flight when it failed (slow on a busy
        // machine) may rightly be answered by 2, so this is not "every single one".
        expect(report.phases.before.by_provider['1']).toBeGreaterThanOrEqual(report.phases.before.sent * 0.9);
        expect(report.phases.before.failed).toBe(0);
        expect(report.shift_ms).not.toBeNull();
        expect(report.phases.during.by_provider['2']).toBeGreaterThan(0);
        expect(report.moved_back).toBe(true);
        expect(report.phases.after.by_provider['1']).toBeGreaterThan(0);
        if (mode === 'hang') {
          // The breaker caps what a hanging provider costs: without it every request while
          // disabled would wait out timeout_ms.
          expect(report.timeouts_paid).toBeGreaterThan(0);
          expect(report.timeouts_paid).toBeLessThanOrEqual(report.timeouts_allowed!);
          expect(report.timeouts_paid).toBeLessThan(report.phases.during.sent / 2);
        } else {
          expect(report.timeouts_paid).toBe(0);
        }
        expect(topology.standins[0]!.mode()).toBe('ok');
      },
    );
  });
});

describe('Command: drill (in-process, through main)', () => {
  it('--json prints exactly one JSON object on stdout, progress on stderr, exit 0', async () => {
    const { io, out, err } = memoryIo();
    const code = await main(
      ['drill', '--router', router, '--disable', '1', '--rate', '20', '--duration', '3', '--mode', '503', '--json', '--config', configPath],
      io,
    );
    expect(code).toBe(ExitCode.ok);
    expect(out).toHaveLength(1);
    const report = JSON.parse(out[0]!) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['sent', 'failed', 'failed_by_kind', 'shift_ms', 'phases', 'moved_back', 'timeouts_paid', 'hedging']),
    );
    expect(report).toMatchObject({
      failed: 0,
      assumed: { timeout_ms: TIMEOUT_MS, breaker: { failures: BREAKER.failures, cooldown_ms: BREAKER.cooldownMs } },
      // The drill config sets no hedge_after_ms, and the router does not show it: off, read from --config.
      hedging: { after_ms: null, source: 'config' },
    });
    // Issue 15: per phase, attempts per request and hedged answers, beside p50/p99.
    for (const phase of ['before', 'during', 'after'] as const) {
      expect(report.phases).toHaveProperty([phase, 'attempts_per_request']);
      expect(report.phases).toHaveProperty([phase, 'hedged'], 0);
    }
    expect((report.phases as { before: { attempts_per_request: number } }).before.attempts_per_request).toBe(1);
    expect(err.some((l) => l.includes('disabling provider 1 (503)'))).toBe(true);
  });

  it.each([
    {
      args: () => ['--router', router, '--disable', '1', '--rate', 'fast'],
      line: 'drill: --rate must be a number from 1 to 500 requests per second (got "fast")',
    },
    {
      args: () => ['--router', router, '--disable', '1', '--disable-cmd', 'true'],
      line: 'drill: --disable-cmd and --enable-cmd go together',
    },
    { args: () => ['--disable', '1'], line: 'drill: --router URL is required (the router to send traffic through)' },
  ])('exits 1 with the reason for bad flags, sending nothing: $line', async ({ args, line }) => {
    const { io, out, err } = memoryIo();
    const before = routed.length;
    expect(await main(['drill', ...args()], io)).toBe(ExitCode.invalid);
    expect(err[0]).toBe(`hadoku-route: ${line}`);
    expect(out).toEqual([]);
    expect(routed.length).toBe(before);
  });

  it("reads --config with the routers' own parser: an invalid file is refused naming the field, sending nothing", async () => {
    // Prepare
    const bad = writeTempConfig('hadoku-drill-bad-', { providers: { '1': '${LOCAL_BASE}' }, breaker: { failures: 'three' } });
    const { io, err } = memoryIo();
    const before = routed.length;
    // Act
    const code = await main(['drill', '--router', router, '--disable', '1', '--config', bad], io);
    // Assess
    expect(code).toBe(ExitCode.invalid);
    expect(err.join('\n')).toMatch(/--config .*route-config\.json: invalid config: breaker\.failures/);
    expect(routed.length).toBe(before);
  });

  it("assumes the contract's DEFAULTS for what --config leaves out", async () => {
    // Prepare: the drill config without timeout_ms and breaker
    const lean = writeTempConfig('hadoku-drill-lean-', {
      global_priority: '12',
      routes: { task: { priority: '123' } },
      providers: { '1': '${LOCAL_BASE}', '2': '${WORKER_BASE}', '3': '${LAMBDA_BASE}' },
    });
    const { io, out } = memoryIo();
    // Act
    await main(
      ['drill', '--router', router, '--disable', '1', '--rate', '10', '--duration', '3', '--mode', '503', '--json', '--config', lean],
      io,
    );
    // Assess
    const report = JSON.parse(out[0]!) as { assumed: unknown };
    expect(report.assumed).toEqual({
      timeout_ms: DEFAULTS.timeout_ms,
      breaker: { failures: DEFAULTS.breaker.failures, cooldown_ms: DEFAULTS.breaker.cooldown_ms },
    });
  });
});

describe('Function: liveView', () => {
  it('shows which provider answers each app, and the fallback when provider 1 fails', async () => {
    // Prepare: a plain (non-TTY) sink
    const { out, frames } = frameSink(false);
    const view = liveView(topology.routers, await topology.apps(), { intervalMs: 60_000, out });
    try {
      // Act
      const healthy = await view.refresh();
      await topology.standins[0]!.setMode('503');
      const failing = await view.refresh();

      // Assess
      expect(healthy).toMatch(/^app +express router\ntask +1\nwatchparty +1$/);
      expect(failing).toMatch(/^task +2 \(1: 503\)$/m);
      expect(failing).toMatch(/^watchparty +503 none \(1: 503\)$/m);
      expect(frames.join('')).toContain('which provider answers');
    } finally {
      await view.stop();
      await topology.standins[0]!.setMode('ok');
    }
  });

  it('redraws in place on a TTY, with the header above the grid', async () => {
    const { out, frames } = frameSink(true);
    const view = liveView(topology.routers, ['task'], { intervalMs: 60_000, out, header: topology.table().split('\n') });
    await view.refresh();
    await view.stop();
    expect(frames.at(-1)).toMatch(/^\x1b\[H\x1b\[2Jprocess +url +role\n/);
    expect(frames.at(-1)).toMatch(/express router +http:\/\/127\.0\.0\.1:\d+ +pure router, config: file/);
    expect(frames.at(-1)).toMatch(/\ntask +1\n$/);
  });
});
