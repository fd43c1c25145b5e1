import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTopology, type Topology } from '../../infra/hosts/topology.ts';
import { DisablerFailedError, DRAIN_COMMANDS, commandDisabler, manualDisabler, runDrill } from '../../infra/drill/index.ts';
import { DRILL, ROUTER_SETTINGS, writeDrillConfig } from './drillFixture.ts';

let topology: Topology;
let router: string;

beforeAll(async () => {
  topology = await startTopology({ configPath: writeDrillConfig(), runtimes: ['express'], standins: true });
  router = topology.routers[0]!.url;
});
afterAll(async () => {
  await topology?.close();
});

/** A shell command that sets stand-in 1's mode, as a deploy command would drain a stack. */
function setModeCommand(url: string, mode: string): string {
  const script = `fetch(process.argv[1] + '/_standin/mode', { method: 'POST', body: JSON.stringify({ mode: process.argv[2] }) }).then((r) => process.exit(r.ok ? 0 : 1))`;
  return `"${process.execPath}" -e "${script}" ${url} ${mode}`;
}

describe('Function: commandDisabler', () => {
  it('drains and restores by running shell commands, timed from the commands', async () => {
    // Prepare
    const one = topology.standins[0]!.url;
    const lines: string[] = [];
    const disabler = commandDisabler({ disable: setModeCommand(one, '503'), enable: setModeCommand(one, 'ok') });

    // Act
    const report = await runDrill({
      router,
      disable: '1',
      ...DRILL,
      mode: '503',
      disabler,
      ...ROUTER_SETTINGS,
      log: (line) => lines.push(line),
    });

    // Assess
    expect(report.disabler).toBe('command');
    expect(report.timeline.timing).toBe('known');
    expect(report.timeline.disable_took_ms).toBeGreaterThan(0);
    expect(lines.some((l) => l.startsWith('$ ') && l.includes('_standin/mode'))).toBe(true);
    expect(report.failed_idempotent).toBe(0);
    expect(report.phases.during.by_provider['2']).toBeGreaterThan(0);
    expect(report.moved_back).toBe(true);
  });

  it('fails the drill when the disable command fails, after running the enable command', async () => {
    const lines: string[] = [];
    const disabler = commandDisabler({ disable: 'echo draining; exit 3', enable: 'echo restored' });
    const drill = runDrill({ router, disable: '1', rate: 10, durationS: 3, disabler, log: (line) => lines.push(line) });
    await expect(drill).rejects.toThrow(DisablerFailedError);
    await expect(drill).rejects.toThrow("could not disable the provider: 'echo draining; exit 3' failed (exit code 3): draining");
    expect(lines).toContain('  restored');
  });
});

describe('Function: manualDisabler', () => {
  it('non-interactive (CI): prints the documented commands and infers the phases from the answers', async () => {
    // Prepare: the "operator" drains provider 1 at 1.5 s and restores it at 3.5 s, on their own clock.
    const lines: string[] = [];
    const one = topology.standins[0]!;
    const drain = setTimeout(() => void one.setMode('503'), 1500);
    const restore = setTimeout(() => void one.setMode('ok'), 3500);

    // Act
    const report = await runDrill({
      router,
      disable: '1',
      ...DRILL,
      disabler: manualDisabler({ interactive: false }),
      ...ROUTER_SETTINGS,
      log: (line) => lines.push(line),
    }).finally(() => {
      clearTimeout(drain);
      clearTimeout(restore);
    });

    // Assess
    expect(lines).toContain(`  ${DRAIN_COMMANDS.lambda.disable}   # Lambda stack`);
    expect(lines).toContain(`  ${DRAIN_COMMANDS.worker.enable}   # Worker`);
    expect(report.timeline.timing).toBe('observed');
    expect(report.timeline.disable_at_ms).toBeGreaterThan(1000);
    expect(report.timeline.disable_at_ms).toBeLessThan(2500);
    expect(report.failed_idempotent).toBe(0);
    expect(report.phases.during.by_provider['1'] ?? 0).toBe(0);
    expect(report.moved_back).toBe(true);
  });

  it('interactive: waits for Enter after each step and times the phases from it', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const lines: string[] = [];
    const one = topology.standins[0]!;
    const log = (line: string): void => {
      lines.push(line);
      // The operator runs the step, then presses Enter.
      if (line === 'Press Enter once it is done.') {
        const step =
          lines.filter((l) => l.startsWith('Disable provider')).length > lines.filter((l) => l.startsWith('Re-enable provider')).length
            ? '503'
            : 'ok';
        void one.setMode(step).then(() => input.write('\n'));
      }
    };
    const report = await runDrill({
      router,
      disable: '1',
      rate: 20,
      durationS: 3,
      disabler: manualDisabler({ input, disable: 'drain it', enable: 'restore it' }),
      ...ROUTER_SETTINGS,
      log,
    });
    expect(report.disabler).toBe('manual');
    expect(report.timeline.timing).toBe('known');
    expect(lines).toContain('  drain it');
    expect(lines).toContain('  restore it');
    expect(report.failed_idempotent).toBe(0);
    expect(one.mode()).toBe('ok');
  });
});
