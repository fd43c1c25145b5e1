import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstream, type Upstream } from '../support/upstream.ts';
import { freePort } from '../support/ports.ts';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cliEnv, startCli, tempDir, writeFixture } from './cliProcess.ts';

// Issue 15's figure: a provider marked down in the shared document is skipped from the FIRST request
// of a brand-new instance. `serve` keeps the document in route-health.json beside the config (the
// local KV key / SSM parameter, infra/hosts/healthFile.ts); each start is a brand-new isolate or
// execution environment, so the test restarts serve and looks at the first request each time.

const REPO = fileURLToPath(new URL('../../', import.meta.url));
// Waiting for provider 1 shows in the attempts (`1 timeout`), never timed here.
const TIMEOUT_MS = 3000;

let hanging: Upstream;
let two: Upstream;
beforeAll(async () => {
  [hanging, two] = await Promise.all([startUpstream('one'), startUpstream('two')]);
  hanging.set({ hang: true });
});
afterAll(async () => {
  await Promise.all([hanging?.close(), two?.close()]);
});

describe('CLI: serve, shared health read by a brand-new instance', () => {
  it.each(['worker', 'lambda'])(
    '%s: the first request after each restart answers from provider 2 without trying provider 1',
    async (runtime) => {
      // Prepare: provider 1 first in the order and hanging; the prober's document says it is down
      const dir = tempDir();
      const file = writeFixture(dir, 'route-config.json', {
        global_priority: '12',
        providers: { '1': hanging.url, '2': two.url },
        timeout_ms: TIMEOUT_MS,
      });
      writeFixture(dir, 'route-health.json', {
        version: 1,
        checked_at: new Date().toISOString(),
        interval_s: 60,
        by: runtime === 'worker' ? 'worker-cron' : 'lambda-schedule',
        providers: { '1': { up: false, status: null, ms: TIMEOUT_MS, reason: 'timeout' }, '2': { up: true, status: 200, ms: 2 } },
      });
      hanging.reset();
      hanging.set({ hang: true });

      const firstRequest = async (start: string) => {
        const port = await freePort();
        const serve = startCli(['serve', '--runtime', runtime, '--config', file, '--port', String(port)], { cwd: REPO, env: cliEnv() });
        try {
          await serve.waitForStdout(/listening on/, 90_000);
          const res = await fetch(`http://127.0.0.1:${port}/demo/api/first`);
          console.log(`${runtime} ${start}: first request ${res.headers.get('server-timing')}`);
          expect(res.status, start).toBe(200);
          expect(((await res.json()) as { upstream: string }).upstream, start).toBe('two');
          return { res, health: (await (await fetch(`http://127.0.0.1:${port}/_router/health`)).json()) as { shared: unknown } };
        } finally {
          const result = await serve.stop();
          expect(result.code).toBe(0);
        }
      };

      for (const start of ['first start', 'restart']) {
        // Act: the instance's first routed request
        const { res, health } = await firstRequest(start);
        // Assess: one attempt, provider 2, and provider 1 never asked
        expect(res.headers.get('x-route-attempts'), start).toBe('1');
        expect(res.headers.get('server-timing'), start).toMatch(/^p1;desc="2 200"/);
        expect(hanging.requests, start).toHaveLength(0);
        expect(health.shared, start).toMatchObject({ providers: { '1': { up: false, reason: 'timeout' }, '2': { up: true } } });
      }

      // Control: without the document, the first request of a new instance waits for provider 1.
      rmSync(join(dir, 'route-health.json'));
      const { res, health } = await firstRequest('without the document');
      expect(res.headers.get('x-route-attempts')).toBe('2');
      expect(res.headers.get('server-timing')).toMatch(/^p1;desc="1 timeout".*p2;desc="2 200"/);
      expect(health.shared).toEqual({ ignored: 'health document missing' });
    },
    // Three starts of workerd or the bundled Lambda: seconds each on a loaded machine.
    180_000,
  );
});
