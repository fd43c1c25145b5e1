import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandin, type Standin } from '../../infra/hosts/standin.ts';
import { freePort } from '../support/ports.ts';
import { cliEnv, runCli, startCli, tempDir, writeFixture } from './cliProcess.ts';

// The Worker runtime resolves its files against the working directory: run from the repo root.
const REPO = fileURLToPath(new URL('../../', import.meta.url));
// The flips use --no-probe: these tests time propagation, not the guard (flipGuard.test.ts).
const available = (runtime: string) => runtime === 'express' || existsSync(`${REPO}infra/hosts/${runtime}.ts`);

/** Polls (bounded, ~10 s) until the router answers from `expected`; returns the last source seen. */
async function pollBackendSource(url: string, expected: string): Promise<string | null> {
  let source: string | null = null;
  for (let i = 0; i < 200 && source !== expected; i++) {
    source = (await fetch(url)).headers.get('x-backend-source');
    if (source !== expected) await new Promise((r) => setTimeout(r, 50));
  }
  return source;
}

let one: Standin;
let two: Standin;
beforeAll(async () => {
  [one, two] = await Promise.all([startStandin({ id: '1' }), startStandin({ id: '2' })]);
});
afterAll(async () => {
  await Promise.all([one.close(), two.close()]);
});

describe('CLI: flip --target file while serve runs each runtime', () => {
  it.each(['express', 'worker', 'lambda'])('%s: new requests follow the flip', async (runtime) => {
    if (!available(runtime)) return;
    // Prepare: a router in front of two real stand-ins, provider 1 first
    const dir = tempDir();
    const file = writeFixture(dir, 'route-config.json', {
      global_priority: '12',
      providers: { '1': one.url, '2': two.url },
      backend_source: 'id',
    });
    const port = await freePort();
    const env = cliEnv();
    const serve = startCli(['serve', '--runtime', runtime, '--config', file, '--port', String(port)], { cwd: REPO, env });
    try {
      await serve.waitForStdout(/listening on/, 60_000);
      const url = `http://127.0.0.1:${port}/demo/api/x`;
      expect((await fetch(url)).headers.get('x-backend-source')).toBe('1');
      // Act
      const flipped = await runCli(['flip', 'global', '21', '--no-probe', '--config', file], { cwd: dir, env });
      const start = Date.now();
      expect(flipped.code).toBe(0);
      // Assess: bounded poll, at most ~10 s (the runtimes promise 1 s or max-age + 1 s)
      expect(await pollBackendSource(url, '2')).toBe('2');
      console.log(`flip --target file -> ${runtime} router followed after ${Date.now() - start} ms`);
    } finally {
      const result = await serve.stop();
      expect(result.code).toBe(0);
    }
  });
});

describe('CLI: flip --target ssm while serve runs the lambda runtime', () => {
  it.skipIf(!available('lambda'))("new requests follow a flip put through the SDK into serve's SSM stand-in", async () => {
    // Prepare
    const dir = tempDir();
    const file = writeFixture(dir, 'route-config.json', {
      global_priority: '12',
      providers: { '1': one.url, '2': two.url },
      backend_source: 'id',
    });
    const port = await freePort();
    const serve = startCli(['serve', '--runtime', 'lambda', '--config', file, '--port', String(port)], { cwd: REPO, env: cliEnv() });
    try {
      await serve.waitForStdout(/listening on/, 60_000);
      // serve logs where its SSM stand-in listens and the parameter it serves
      const [, endpoint] = /"ssm_endpoint":"([^"]+)"/.exec(serve.output().stdout) ?? [];
      const [, parameter] = /"parameter":"([^"]+)"/.exec(serve.output().stdout) ?? [];
      expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const url = `http://127.0.0.1:${port}/demo/api/x`;
      expect((await fetch(url)).headers.get('x-backend-source')).toBe('1');
      // Act
      const env = cliEnv({
        AWS_ENDPOINT_URL_SSM: endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_EC2_METADATA_DISABLED: 'true',
      });
      const flipped = await runCli(['flip', 'global', '21', '--no-probe', '--target', 'ssm', '--parameter', parameter, '--yes'], {
        cwd: dir,
        env,
      });
      const start = Date.now();
      expect(flipped.stderr).not.toMatch(/hadoku-route:/);
      expect(flipped.code).toBe(0);
      // Assess: within ROUTE_CONFIG_MAX_AGE (1 s under serve) + 1 s; bounded poll of ~10 s
      expect(await pollBackendSource(url, '2')).toBe('2');
      console.log(`flip --target ssm -> lambda router followed after ${Date.now() - start} ms`);
    } finally {
      expect((await serve.stop()).code).toBe(0);
    }
  });
});

describe('CLI: flip --target kv --local while serve runs the worker runtime on the same store', () => {
  it.skipIf(!available('worker'))(
    'new requests follow a flip written into the local KV (--persist-to)',
    async () => {
      // Prepare: serve keeps its KV where wrangler's --persist-to DIR keeps it
      const dir = tempDir();
      const state = join(dir, 'state');
      const file = writeFixture(dir, 'route-config.json', {
        global_priority: '12',
        providers: { '1': one.url, '2': two.url },
        backend_source: 'id',
      });
      const port = await freePort();
      const env = cliEnv({ WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', CLOUDFLARE_CF_FETCH_ENABLED: 'false' });
      const serve = startCli(['serve', '--runtime', 'worker', '--config', file, '--port', String(port), '--persist-to', state], {
        cwd: REPO,
        env,
      });
      try {
        await serve.waitForStdout(/listening on/, 60_000);
        const url = `http://127.0.0.1:${port}/demo/api/x`;
        expect((await fetch(url)).headers.get('x-backend-source')).toBe('1');
        // Act: the flip reads and writes wrangler's local store, not the file
        const flipped = await runCli(['flip', 'global', '21', '--no-probe', '--target', 'kv', '--local', '--persist-to', state, '--yes'], {
          cwd: REPO,
          env,
          timeoutMs: 60_000,
        });
        const start = Date.now();
        expect(flipped.stderr).not.toMatch(/hadoku-route:/);
        expect(flipped.code).toBe(0);
        // Assess: within ROUTE_CONFIG_MAX_AGE (1 s under serve) + 1 s; bounded poll of ~10 s
        expect(await pollBackendSource(url, '2')).toBe('2');
        console.log(`flip --target kv --local -> worker router followed after ${Date.now() - start} ms`);
      } finally {
        expect((await serve.stop()).code).toBe(0);
      }
    },
    120_000,
  );
});
