import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSsmServer } from '../../infra/hosts/ssmServer.ts';
import { startTopology, type Topology } from '../../infra/hosts/topology.ts';
import { freePort } from '../support/ports.ts';
import { cliEnv, runCliInProcess, startCli, tempDir, writeFixture } from './cliProcess.ts';

// Guarded flips end to end: the real CLI in a child process against the local fault-injection
// topology (three stand-in providers and the Express router over the same config file). A
// stand-in in `hang`, `503` or `refuse` mode is a dead provider. The breaker is set high so the
// watch judges by failure rate; a short attempt timeout keeps hung attempts quick.
const CONFIG = {
  global_priority: '12',
  routes: { task: { priority: '123' } },
  providers: { '1': '${LOCAL_BASE}', '2': '${WORKER_BASE}', '3': '${LAMBDA_BASE}' },
  timeout_ms: 300,
  breaker: { failures: 1000, cooldown_ms: 500 },
};
const ORIGINAL = `${JSON.stringify(CONFIG, null, 2)}\n`;

let topology: Topology;
let dir: string;
let file: string;
let router: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = tempDir();
  file = writeFixture(dir, 'route-config.json', CONFIG);
  topology = await startTopology({ configPath: file, standins: true, runtimes: ['express'], env: cliEnv() });
  router = topology.routers[0]!.url;
  const urls = topology.providerUrls;
  env = cliEnv({ LOCAL_BASE: urls['1']!, WORKER_BASE: urls['2']!, LAMBDA_BASE: urls['3']! });
}, 30_000);
afterAll(async () => {
  await topology?.close();
});
beforeEach(async () => {
  for (const standin of topology.standins) await standin.setMode('ok');
  writeFileSync(file, ORIGINAL);
});

const standin = (id: string) => topology.standins.find((s) => s.id === id)!;

/** Steady GETs through the router (20 per second) until the returned stop is called. */
function traffic(): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    while (running) {
      await fetch(`${router}/task/api/items`, { signal: AbortSignal.timeout(2000) })
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

describe('CLI: flip probes the new order before writing', () => {
  it.each([
    { mode: 'hang' as const, detail: /provider 2 +down +GET \/task\/api\/health timed out after 2000 ms/ },
    { mode: '503' as const, detail: /provider 2 +down +GET \/task\/api\/health 503/ },
    { mode: 'refuse' as const, detail: /provider 2 +down +GET \/task\/api\/health connection refused/ },
  ])('a first provider in $mode mode: refused, exit 1, nothing written, each provider printed', async ({ mode, detail }) => {
    // Prepare
    await standin('2').setMode(mode);
    // Act
    const started = Date.now();
    const result = await runCliInProcess(['flip', 'task', '213'], { cwd: dir, env });
    const ms = Date.now() - started;
    // Assess
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(detail);
    expect(result.stdout).toMatch(/provider 1 +up +GET \/task\/api\/health 200/);
    expect(result.stdout).toMatch(/provider 3 +up +GET \/task\/api\/health 200/);
    expect(result.stderr).toMatch(/refused: provider 2, first of the new order, is down \(.+\); nothing written/);
    expect(result.stderr).toMatch(/--force writes anyway/);
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
    console.log(`figure: guarded flip into a ${mode} provider refused in ${ms} ms (CLI start included)`);
  });

  it('--force writes anyway and still prints the probe', async () => {
    // Prepare
    await standin('2').setMode('503');
    // Act
    const result = await runCliInProcess(['flip', 'task', '213', '--force'], { cwd: dir, env });
    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/provider 2 +down +GET \/task\/api\/health 503/);
    expect(result.stdout).toMatch(/--force: writing although provider 2, first of the new order, is down/);
    expect(JSON.parse(readFileSync(file, 'utf8')).routes.task.priority).toBe('213');
  });

  it('--dry-run probes too: refused when the first is down, exit 0 with the probe when it is up', async () => {
    // Prepare
    await standin('3').setMode('refuse');
    // Act
    const down = await runCliInProcess(['flip', 'task', '31', '--dry-run'], { cwd: dir, env });
    const up = await runCliInProcess(['flip', 'task', '21', '--dry-run'], { cwd: dir, env });
    // Assess
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/provider 3 +down +GET \/task\/api\/health connection refused/);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/provider 2 +up[\s\S]*provider 1 +up[\s\S]*dry run: nothing written/);
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
  });

  it('--no-probe writes without asking anyone', async () => {
    // Prepare
    await standin('2').setMode('refuse');
    // Act
    const result = await runCliInProcess(['flip', 'task', '21', '--no-probe'], { cwd: dir, env });
    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(/probe/);
    expect(JSON.parse(readFileSync(file, 'utf8')).routes.task.priority).toBe('21');
  });

  it('a provider whose ${VAR} is not set here is unknown, not down: written; --strict refuses it', async () => {
    // Prepare: LAMBDA_BASE unset in the CLI's environment
    const partial = cliEnv({ LOCAL_BASE: topology.providerUrls['1']!, WORKER_BASE: topology.providerUrls['2']! });
    // Act
    const strict = await runCliInProcess(['flip', 'task', '31', '--strict'], { cwd: dir, env: partial });
    const result = await runCliInProcess(['flip', 'task', '31'], { cwd: dir, env: partial });
    // Assess
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/LAMBDA_BASE/);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/provider 3 +unknown +\$\{LAMBDA_BASE\} not set here \(placeholder\): not probed/);
    expect(JSON.parse(readFileSync(file, 'utf8')).routes.task.priority).toBe('31');
  });

  it('a global flip asks /_router/health of each provider', async () => {
    // Prepare: provider 1 is a router (answers /_router/health); stand-in 2 is down (503 mode)
    const routerProvider = await listen((req, res) => res.writeHead(req.url === '/_router/health' ? 200 : 404).end('{}'));
    const globalEnv = { ...env, LOCAL_BASE: routerProvider.url };
    await standin('2').setMode('503');
    try {
      // Act
      const refused = await runCliInProcess(['flip', 'global', '21'], { cwd: dir, env: globalEnv });
      const flipped = await runCliInProcess(['flip', 'global', '1'], { cwd: dir, env: globalEnv });
      // Assess
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/provider 2 +down +GET \/_router\/health 503/);
      expect(flipped.code, flipped.stderr).toBe(0);
      expect(flipped.stdout).toMatch(/provider 1 +up +GET \/_router\/health 200/);
    } finally {
      routerProvider.server.close();
    }
  });

  it('--json: the probe results are in the document', async () => {
    // Act
    const result = await runCliInProcess(['flip', 'task', '21', '--json'], { cwd: dir, env });
    // Assess
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as { probes: Array<{ id: string; state: string }>; watch: unknown };
    expect(doc.probes.map((p) => [p.id, p.state])).toEqual([
      ['2', 'up'],
      ['1', 'up'],
    ]);
    expect(doc.watch).toBeNull();
  });
});

describe('CLI: flip --json refused by the probe', () => {
  it('exit 1 as one JSON document whose details carry each provider', async () => {
    // Prepare
    await standin('2').setMode('503');
    // Act
    const result = await runCliInProcess(['flip', 'task', '21', '--json'], { cwd: dir, env });
    // Assess
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout) as { ok: boolean; exit_code: number; error: string; details: string[] };
    expect(doc).toMatchObject({
      ok: false,
      exit_code: 1,
      error: expect.stringMatching(/refused: provider 2, first of the new order, is down/),
    });
    expect(doc.details).toEqual([
      expect.stringMatching(/provider 2 +down +GET \/task\/api\/health 503/),
      expect.stringMatching(/provider 1 +up/),
      expect.stringMatching(/--force writes anyway/),
    ]);
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
  });
});

describe('CLI: flip refuses bad guard flags, naming them', () => {
  it.each([
    { args: ['--watch', '10s'], stderr: /--watch needs --router URL/ },
    { args: ['--router', 'http://127.0.0.1:1'], stderr: /--router only applies with --watch/ },
    { args: ['--watch', 'soon', '--router', 'http://127.0.0.1:1'], stderr: /--watch must be a duration .*\(got "soon"\)/ },
    { args: ['--probe-timeout', '0'], stderr: /--probe-timeout must be a duration .*\(got "0"\)/ },
    { args: ['--watch', '5s', '--router', 'http://127.0.0.1:1', '--dry-run'], stderr: /--watch .* cannot go with --dry-run/ },
    { args: ['--watch', '5s', '--router', 'ftp://x'], stderr: /--router must be a router's http\(s\) origin.*\(got "ftp:\/\/x"\)/ },
    { args: ['--watch', '5s', '--router', 'http://127.0.0.1:1', '--max-failure-rate', '2'], stderr: /--max-failure-rate must be/ },
    { args: ['--watch', '5s', '--router', 'http://127.0.0.1:1', '--min-requests', '0'], stderr: /--min-requests must be/ },
  ])('$args: exit 1', async ({ args, stderr }) => {
    // Act
    const result = await runCliInProcess(['flip', 'task', '21', ...args], { cwd: dir, env });
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(stderr);
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
  });

  it('--watch with a router that does not answer: exit 1, nothing written', async () => {
    // Prepare
    const port = await freePort();
    // Act
    const result = await runCliInProcess(['flip', 'task', '21', '--watch', '5s', '--router', `http://127.0.0.1:${port}`], {
      cwd: dir,
      env,
    });
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--router does not answer GET \/_router\/health[\s\S]*connection refused/);
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
  });
});

describe('CLI: flip --watch against the local topology', () => {
  it('a healthy new first provider: watched to the end, the flip stays, exit 0', async () => {
    // Act
    const stop = traffic();
    const result = await runCliInProcess(['flip', 'task', '213', '--watch', '3s', '--router', router, '--min-requests', '5', '--json'], {
      cwd: dir,
      env,
    }).finally(stop);
    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/watch 1s\/3s: provider 2 /);
    const doc = JSON.parse(result.stdout) as { watch: { verdict: string; rolled_back: boolean; requests: number } };
    expect(doc.watch).toMatchObject({ verdict: 'healthy', rolled_back: false });
    expect(doc.watch.requests).toBeGreaterThanOrEqual(5);
    expect(JSON.parse(readFileSync(file, 'utf8')).routes.task.priority).toBe('213');
  });

  it('a failing new first provider: rolled back through the same file, exit 3', async () => {
    // Prepare
    await standin('2').setMode('503');
    // Act
    const stop = traffic();
    const result = await runCliInProcess(['flip', 'task', '213', '--force', '--watch', '15s', '--router', router], {
      cwd: dir,
      env,
    }).finally(stop);
    // Assess
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toMatch(/watch: \d+ of \d+ attempts failed \(\d+%\): over the 20% limit; rolling back/);
    expect(result.stdout).toMatch(/rolled back: wrote the previous config to file .+ \(version \S+\)/);
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL);
  });

  it('no traffic: fewer attempts than --min-requests are not judged, the flip stays, exit 0', async () => {
    // Act
    const result = await runCliInProcess(['flip', 'task', '213', '--watch', '2s', '--router', router], { cwd: dir, env });
    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /watch: 0 of 0 attempts failed: fewer than 10 attempts, not judged \(nothing rolled back\); the flip stays/,
    );
    expect(JSON.parse(readFileSync(file, 'utf8')).routes.task.priority).toBe('213');
  });

  it("a router's breaker opening for the new first provider rolls back before the rate is judged", async () => {
    // Prepare: a breaker that opens after 3 failures; the router follows the file within 1 s
    const touchy = `${JSON.stringify({ ...CONFIG, breaker: { failures: 3, cooldown_ms: 60_000 } }, null, 2)}\n`;
    writeFileSync(file, touchy);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await standin('2').setMode('503');
    // Act
    const stop = traffic();
    const args = ['flip', 'task', '213', '--force', '--watch', '15s', '--router', router, '--min-requests', '1000'];
    const result = await runCliInProcess(args, { cwd: dir, env }).finally(stop);
    // Assess
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toMatch(/watch: breaker open for provider 2 at http:\/\/127\.0\.0\.1:\d+ \(.*\); rolling back/);
    expect(readFileSync(file, 'utf8')).toBe(touchy);
  });

  it('the store changed during the watch: not rolled back, exit 2, the other write kept', async () => {
    // Prepare
    await standin('2').setMode('503');
    const other = `${JSON.stringify({ ...CONFIG, global_priority: '21', routes: { task: { priority: '213' } } }, null, 2)}\n`;
    // Act
    const cli = startCli(['flip', 'task', '213', '--force', '--watch', '15s', '--router', router], { cwd: dir, env });
    await cli.waitForStdout(/wrote file/);
    writeFileSync(file, other);
    const stop = traffic();
    const result = await cli.exited.finally(stop);
    // Assess
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/not rolled back: file .+ no longer holds version \S+ that the flip wrote/);
    expect(readFileSync(file, 'utf8')).toBe(other);
  });

  it('--target ssm: rolled back through SSM, conflict-checked, exit 3', async () => {
    // Prepare: the router's file already sends task to provider 2 first (503); the flip writes SSM
    await standin('2').setMode('503');
    writeFileSync(file, `${JSON.stringify({ ...CONFIG, routes: { task: { priority: '213' } } }, null, 2)}\n`);
    const name = '/hadoku-route/route-config';
    const ssm = await startSsmServer({ parameters: { [name]: JSON.stringify(CONFIG) } });
    const ssmEnv = {
      ...env,
      AWS_ENDPOINT_URL_SSM: ssm.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const stop = traffic();
    try {
      // Act
      const args = [
        'flip',
        'task',
        '213',
        '--target',
        'ssm',
        '--parameter',
        name,
        '--yes',
        '--force',
        '--watch',
        '15s',
        '--router',
        router,
      ];
      const result = await runCliInProcess(args, { cwd: dir, env: ssmEnv });
      // Assess: version 2 was the flip, version 3 the roll-back to version 1's text
      expect(result.code, result.stderr).toBe(3);
      expect(result.stdout).toMatch(/rolled back: wrote the previous config to ssm \/hadoku-route\/route-config \(version 3\)/);
      expect(ssm.get(name)?.value).toBe(JSON.stringify(CONFIG));
    } finally {
      await stop();
      await ssm.close();
    }
  });
});

describe("CLI: flip --watch --target kv --local (wrangler's local KV)", () => {
  it('rolled back through KV, conflict-checked, exit 3', async () => {
    // Prepare: the router's file already sends task to provider 2 first (503); the flip writes KV
    await standin('2').setMode('503');
    writeFileSync(file, `${JSON.stringify({ ...CONFIG, routes: { task: { priority: '213' } } }, null, 2)}\n`);
    const kvDir = tempDir();
    writeFixture(kvDir, 'route-config.json', CONFIG);
    const kv = ['--target', 'kv', '--local', '--persist-to', `${kvDir}/state`];
    const pushed = await runCliInProcess(['push', 'route-config.json', ...kv], { cwd: kvDir, env, timeoutMs: 60_000 });
    expect(pushed.code, pushed.stderr).toBe(0);
    // Act
    const stop = traffic();
    const args = ['flip', 'task', '213', ...kv, '--yes', '--force', '--watch', '15s', '--router', router];
    const result = await runCliInProcess(args, { cwd: kvDir, env, timeoutMs: 90_000 }).finally(stop);
    const shown = await runCliInProcess(['show', '--raw', ...kv], { cwd: kvDir, env, timeoutMs: 60_000 });
    // Assess
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toMatch(/rolled back: wrote the previous config to kv SETTINGS\/route-config/);
    expect(JSON.parse(shown.stdout).routes.task.priority).toBe('123');
  }, 180_000);
});

/** A plain HTTP server on 127.0.0.1. */
async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}
