import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillReport } from '../../infra/drill/index.ts';
import { freePort } from '../support/ports.ts';
import { BIN, cliEnv, runCli, startCli, tempDir, writeFixture, type RunningCli } from './cliProcess.ts';

// The real CLI twice over: `dev` in one child, `drill` in another, as a user runs them in two
// terminals. First the fault-injection topology (`dev --standins --runtime express`: three
// stand-ins and the Express router); below, the real one (three stacks). The configs keep the
// drills short: a 300 ms attempt timeout and a 500 ms breaker cooldown.
let dev: RunningCli;
let router: string;
let configPath: string;

beforeAll(async () => {
  const dir = tempDir();
  configPath = writeFixture(dir, 'route-config.json', {
    global_priority: '12',
    routes: { task: { priority: '123' } },
    providers: { '1': '${LOCAL_BASE}', '2': '${WORKER_BASE}', '3': '${LAMBDA_BASE}' },
    timeout_ms: 300,
    breaker: { failures: 3, cooldown_ms: 500 },
  });
  dev = startCli(['dev', '--standins', '--runtime', 'express', '--port', '0', '--config', configPath], { cwd: dir, env: cliEnv() });
  [, router] = await dev.waitForStdout(/^ {2}express router +(http:\/\/127\.0\.0\.1:\d+)/m);
});
afterAll(async () => {
  await dev?.stop('SIGINT');
});

describe('CLI: drill refuses before any traffic', () => {
  it.each([
    {
      name: 'a rate out of bounds',
      args: () => ['--router', router, '--disable', '1', '--rate', '0'],
      stderr: /--rate must be a number from 1 to 500 requests per second \(got 0\)/,
    },
    {
      name: 'a duration that is not a number',
      args: () => ['--router', router, '--disable', '1', '--duration', 'soon'],
      stderr: /--duration must be a number from 3 to 600 seconds \(got "soon"\)/,
    },
    {
      name: 'a provider not in the config',
      args: () => ['--router', router, '--disable', '9'],
      stderr: /provider '9' is not in the router's config \(known: 1, 2, 3\)/,
    },
    { name: 'no --router', args: () => ['--disable', '1'], stderr: /--router URL is required/ },
    {
      name: 'half a command pair',
      args: () => ['--router', router, '--disable', '1', '--disable-cmd', 'true'],
      stderr: /--disable-cmd and --enable-cmd go together/,
    },
    {
      name: 'an unknown mode',
      args: () => ['--router', router, '--disable', '1', '--mode', 'sleep'],
      stderr: /--mode must be one of refuse, hang, 503 \(got 'sleep'\)/,
    },
    {
      name: 'an unknown method',
      args: () => ['--router', router, '--disable', '1', '--methods', 'GET,FETCH'],
      stderr: /--methods takes a comma list of GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE \(got 'GET,FETCH'\)/,
    },
  ])('$name: exit 1 with the reason', async ({ args, stderr }) => {
    // Act
    const result = await runCli(['drill', ...args()]);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(stderr);
    expect(result.stdout).toBe('');
  });

  it('a router that does not answer: exit 1, nothing sent', async () => {
    // Prepare: a port nobody listens on
    const port = await freePort();
    // Act
    const result = await runCli(['drill', '--router', `http://127.0.0.1:${port}`, '--disable', '1']);
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`the router at http://127\\.0\\.0\\.1:${port} does not answer GET /_config/route \\(.+\\); nothing was sent`),
    );
  });
});

describe('CLI: drill against the local topology', () => {
  it('--json: provider 1 refused for the middle third, one JSON object, no failed GET, exit 0', async () => {
    // Act
    const result = await runCli(
      ['drill', '--router', router, '--disable', '1', '--rate', '20', '--duration', '6', '--config', configPath, '--json'],
      {
        timeoutMs: 25_000,
      },
    );
    // Assess: stdout is exactly one JSON object; progress went to stderr
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!) as DrillReport;
    expect(report.sent).toBeGreaterThan(20 * 6 * 0.8);
    expect(report.failed_idempotent).toBe(0);
    expect(report.failed_by_kind).toEqual(
      expect.objectContaining({ timeout: expect.any(Number), '5xx': expect.any(Number), connection: expect.any(Number) }),
    );
    expect(typeof report.shift_ms).toBe('number');
    expect(report.moved_back).toBe(true);
    for (const phase of ['before', 'during', 'after'] as const) {
      expect(report.phases[phase]).toEqual(expect.objectContaining({ p50: expect.any(Number), p99: expect.any(Number) }));
    }
    expect(report.phases.during.by_provider['2']).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/disabling provider 1 \(refuse\)/);
  });

  it('a disable command that fails: exit 4, the enable command still runs', async () => {
    // Act: `false` fails the disable step one second in
    const result = await runCli(
      ['drill', '--router', router, '--disable', '1', '--duration', '3', '--disable-cmd', 'false', '--enable-cmd', 'echo enabled-again'],
      {
        timeoutMs: 20_000,
      },
    );
    // Assess
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/could not disable the provider: 'false' failed \(exit code 1\)/);
    expect(result.stderr).toContain('enabled-again');
  });
});

// The seed's real topology: stack 1 the Express router, 2 the Worker, 3 the Lambda, each hosting
// the apps. `drill --disable N` drains stack N (its router restarted with ROUTE_DRAIN=true on the
// same port, through dev's control endpoint) while the traffic flows through another router.
describe('CLI: drill --disable N on the real topology (npm start)', () => {
  let stacks: LongCli;
  let urls: Record<string, string>;
  let stackConfig: string;
  const writeConfig = (taskOrder: string): void =>
    writeFileSync(
      stackConfig,
      JSON.stringify({
        global_priority: '21',
        routes: { task: { priority: taskOrder }, watchparty: { priority: '1' } },
        providers: { '1': '${LOCAL_BASE}', '2': '${WORKER_BASE}', '3': '${LAMBDA_BASE}' },
        breaker: { failures: 3, cooldown_ms: 500 },
      }),
    );

  beforeAll(async () => {
    const dir = tempDir();
    stackConfig = `${dir}/route-config.json`;
    writeConfig('213');
    stacks = startLongCli(['dev', '--port', '0', '--config', stackConfig], dir);
    await stacks.waitForStdout(/^app +express router +worker router +lambda router$/m, 90_000);
    const rows = [...stacks.stdout().matchAll(/^ {2}\w+ router +(http:\/\/127\.0\.0\.1:\d+) +provider ([123]) /gm)];
    urls = Object.fromEntries(rows.map((r) => [r[2]!, r[1]!]));
  }, 120_000);
  afterAll(async () => {
    await stacks?.stop('SIGINT');
  });

  it('refuses to drain the stack the traffic goes through', async () => {
    const result = await runCli(['drill', '--router', urls['2']!, '--disable', '2', '--duration', '3']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--router ${urls['2']} is provider 2 itself: send the traffic through another router`);
  });

  it('refuses --mode hang for a stack (a stack is drained, as a deployment is), leaving it undrained', async () => {
    const result = await runCli(['drill', '--router', urls['1']!, '--disable', '2', '--mode', 'hang', '--duration', '3']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--mode hang does not apply to local stack (ROUTE_DRAIN): it always fails the provider with 503');
    expect(((await (await fetch(`${urls['2']}/_router/health`)).json()) as { drain: boolean }).drain).toBe(false);
  });

  it.each([
    { disable: '2', order: '213', through: '1', fallback: '1' },
    { disable: '3', order: '312', through: '2', fallback: '1' },
    { disable: '1', order: '123', through: '3', fallback: '2' },
  ])(
    'stack $disable drained while traffic flows through router $through: no failed request, drain: true on its own paths',
    async ({ disable, order, through, fallback }) => {
      // Prepare: the stack to drain first in task's order, as every router reports it
      writeConfig(order);
      await waitForOrder(Object.values(urls), order);

      // Act
      const result = await runCli(
        [
          'drill',
          '--router',
          urls[through]!,
          '--disable',
          disable,
          '--rate',
          '20',
          '--duration',
          '9',
          '--methods',
          'GET',
          '--config',
          stackConfig,
          '--json',
        ],
        { timeoutMs: 90_000 },
      );

      // Assess
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as DrillReport;
      console.log(
        `stack ${disable} through router ${through}: sent ${report.sent}, failed ${report.failed}, shift ${report.shift_ms} ms, back ${report.back_ms} ms`,
      );
      expect(report).toMatchObject({
        failed: 0,
        failed_idempotent: 0,
        mode: '503',
        disabler: 'local stack (ROUTE_DRAIN)',
        moved_back: true,
      });
      // Before: the stack carried the traffic (a slow answer under load may have fallen over once or twice).
      expect(report.phases.before.by_provider[disable]).toBeGreaterThan(report.phases.before.sent / 2);
      expect(report.phases.during.by_provider[fallback]).toBeGreaterThan(0);
      expect(typeof report.shift_ms).toBe('number');
      expect(report.phases.after.by_provider[disable]).toBeGreaterThan(0);
      // While drained, the stack said so on both of its own paths; restored, it did not.
      expect(result.stderr).toMatch(
        new RegExp(`stack ${disable} serves again after \\d+ ms: /_config/route drain: true, /_router/health drain: true`),
      );
      expect(result.stderr).toMatch(
        new RegExp(`stack ${disable} serves again after \\d+ ms: /_config/route drain: false, /_router/health drain: false`),
      );
    },
    120_000,
  );

  it('dev still owns Ctrl-C after restarting the Worker (a new Miniflare hooks SIGINT): exit 0, nothing left listening', async () => {
    expect(await stacks.stop('SIGINT')).toBe(0);
    for (const url of Object.values(urls)) await expect(fetch(url)).rejects.toThrow();
  });
});

/** Waits until every router serves `order` for task (a file edit reaches KV and SSM within ~1 s). */
async function waitForOrder(routers: string[], order: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const orders = await Promise.all(
      routers.map(async (r) =>
        ((await (await fetch(`${r}/_config/route`)).json()) as { apps: Record<string, { order: string[] }> }).apps.task?.order.join(''),
      ),
    );
    if (orders.every((o) => o === order)) return;
    if (Date.now() > deadline) throw new Error(`routers serve task orders ${orders.join(', ')}, not ${order}`);
    await new Promise((wake) => setTimeout(wake, 100));
  }
}

/** A `dev` child without startCli's two-minute cap: three drills with Worker restarts may take longer on a busy machine. */
interface LongCli {
  stdout(): string;
  waitForStdout(pattern: RegExp, timeoutMs: number): Promise<void>;
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

function startLongCli(args: string[], cwd: string): LongCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    stdout: () => out,
    async waitForStdout(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${pattern} in stdout\nstdout: ${out}\nstderr: ${err}`);
        await new Promise((wake) => setTimeout(wake, 50));
      }
    },
    async stop(signal) {
      if (child.exitCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
