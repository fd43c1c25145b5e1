/**
 * SPEC 7 (config sources and live reload, refusing to start without a valid config) and SPEC 8
 * (one structured log line per routed request).
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { runServeExpectingExit } from '../../support/routerProcess.ts';
import { appConfig, baseConfig, expectEcho, sleep, type Scenario } from '../world.ts';

export const reloadScenarios: Scenario[] = [
  {
    name: 'a config edit takes effect for new requests without a restart',
    spec: '7',
    config: (u) => appConfig(u, 'live', '1'),
    async run(w) {
      expectEcho(await w.send('/live/api/x'), w.a);
      const before = await w.router.configStatus();
      const after = await w.router.setConfig(appConfig(w, 'live', '2'));
      expect(after.version).not.toBe(before.version);
      expect(after.last_error).toBeNull();
      expect(Date.parse(String(after.loaded_at))).toBeGreaterThanOrEqual(Date.parse(String(before.loaded_at)));
      expectEcho(await w.send('/live/api/x'), w.b);
      await w.router.setConfig(appConfig(w, 'live', '31'));
      expectEcho(await w.send('/live/api/x'), w.c);
    },
  },
  {
    name: 'an invalid edit keeps the last good config and shows last_error; a later good edit clears it',
    spec: '2, 7',
    config: (u) => appConfig(u, 'lkg', '1'),
    async run(w) {
      const good = await w.router.configStatus();
      const bad = await w.router.setConfig(appConfig(w, 'lkg', '7'));
      expect(bad.last_error).toEqual(expect.any(String));
      expect(bad.version).toBe(good.version);
      expectEcho(await w.send('/lkg/api/x'), w.a);
      // Still the last good config a while later (no half-applied state, no retry that flips it).
      await sleep(300);
      expectEcho(await w.send('/lkg/api/x'), w.a);
      const fixed = await w.router.setConfig(appConfig(w, 'lkg', '2'));
      expect(fixed.last_error).toBeNull();
      expect(fixed.version).not.toBe(good.version);
      expectEcho(await w.send('/lkg/api/x'), w.b);
    },
  },
  {
    name: 'an unreadable edit (empty file) keeps the last good config',
    spec: '7',
    config: (u) => appConfig(u, 'empty-edit', '1'),
    async run(w) {
      const bad = await w.router.setConfig('');
      expect(bad.last_error).toEqual(expect.any(String));
      expectEcho(await w.send('/empty-edit/api/x'), w.a);
    },
  },
  {
    name: 'serve refuses to start on an invalid config: exit 1, every error listed with its field',
    spec: '7, 9',
    config: (u) => baseConfig(u),
    async run(w) {
      const exit = await runServeExpectingExit({
        runtime: w.runtime,
        config: { global_priority: '8', routes: { task: { priority: '1', cahce: true } }, providers: { '1': w.a.url } },
      });
      expect(exit.code, `stdout: ${exit.stdout}\nstderr: ${exit.stderr}`).toBe(1);
      const output = exit.stdout + exit.stderr;
      expect(output).toMatch(/global_priority/);
      expect(output).toMatch(/cahce/);
      expect(output).not.toMatch(/listening on/);
    },
  },
  {
    name: 'serve refuses to start when an env override names an unknown provider (validated like the file)',
    spec: '1, 7',
    config: (u) => baseConfig(u, { global_priority: '1' }),
    async run(w) {
      const exit = await runServeExpectingExit({
        runtime: w.runtime,
        config: { global_priority: '1', routes: { task: { priority: '1' } }, providers: { '1': w.a.url } },
        env: { TASK_ROUTE_PRIORITY: '18' },
      });
      expect(exit.code, `stdout: ${exit.stdout}\nstderr: ${exit.stderr}`).toBe(1);
      expect(exit.stdout + exit.stderr).toMatch(/TASK_ROUTE_PRIORITY/);
    },
  },
  {
    name: 'each routed request emits one structured JSON log line with its attempts and config version',
    spec: '8',
    config: (u) => appConfig(u, 'logged', '12'),
    setup: (w) => w.a.set({ status: 503 }),
    async run(w) {
      const requestId = `log-${randomUUID()}`;
      expectEcho(await w.send('/logged/api/x?q=1', { headers: { 'x-request-id': requestId } }), w.b);
      const version = (await w.router.configStatus()).version;
      let lines: Record<string, unknown>[] = [];
      await expect
        .poll(
          () => {
            lines = w.router.jsonLines().filter((line) => line.request_id === requestId);
            return lines.length;
          },
          { timeout: 5000, interval: 50 },
        )
        .toBeGreaterThanOrEqual(1);
      await sleep(200);
      lines = w.router.jsonLines().filter((line) => line.request_id === requestId);
      expect(lines.length, 'exactly one line per request').toBe(1);
      const line = lines[0];
      expect(line).toMatchObject({ app: 'logged', method: 'GET', provider: '2', status: 200, config_version: version });
      expect(String(line.path)).toMatch(/^\/logged\/api\/x/);
      expect(typeof line.ms).toBe('number');
      const attempts = line.attempts as Array<Record<string, unknown>>;
      expect(attempts.map((a) => [a.provider, a.status])).toEqual([
        ['1', 503],
        ['2', 200],
      ]);
      for (const attempt of attempts) {
        expect(typeof attempt.outcome).toBe('string');
        expect(typeof attempt.ms).toBe('number');
      }
    },
  },
];
