import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { cliEnv, runCli, startCli, tempDir, writeFixture, type RunningCli } from './cliProcess.ts';

// The real CLI twice over: `dev --runtime express` (three stand-ins and the Express router) in one
// child, `drill` in another, as a user runs them in two terminals. The config keeps the drill short:
// a 300 ms attempt timeout and a 500 ms breaker cooldown, so 6 s of traffic shows the whole cycle.
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
  dev = startCli(['dev', '--runtime', 'express', '--port', '0', '--config', configPath], { cwd: dir, env: cliEnv() });
  [, router] = await dev.waitForStdout(/^ {2}express router +(http:\/\/127\.0\.0\.1:\d+)/m);
});
afterAll(async () => {
  await dev?.stop('SIGINT');
});

describe('CLI: drill refuses before any traffic', () => {
  it.each([
    { name: 'a rate out of bounds', args: () => ['--router', router, '--disable', '1', '--rate', '0'], stderr: /--rate must be a number from 1 to 500 requests per second \(got 0\)/ },
    { name: 'a duration that is not a number', args: () => ['--router', router, '--disable', '1', '--duration', 'soon'], stderr: /--duration must be a number from 3 to 600 seconds \(got "soon"\)/ },
    { name: 'a provider not in the config', args: () => ['--router', router, '--disable', '9'], stderr: /provider '9' is not in the router's config \(known: 1, 2, 3\)/ },
    { name: 'no --router', args: () => ['--disable', '1'], stderr: /--router URL is required/ },
    { name: 'half a command pair', args: () => ['--router', router, '--disable', '1', '--disable-cmd', 'true'], stderr: /--disable-cmd and --enable-cmd go together/ },
    { name: 'an unknown mode', args: () => ['--router', router, '--disable', '1', '--mode', 'sleep'], stderr: /--mode must be one of refuse, hang, 503 \(got 'sleep'\)/ },
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
    expect(result.stderr).toMatch(new RegExp(`the router at http://127\\.0\\.0\\.1:${port} does not answer GET /_config/route \\(.+\\); nothing was sent`));
  });
});

describe('CLI: drill against the local topology', () => {
  it('--json: provider 1 refused for the middle third, one JSON object, no failed GET, exit 0', async () => {
    // Act
    const result = await runCli(['drill', '--router', router, '--disable', '1', '--rate', '20', '--duration', '6', '--config', configPath, '--json'], {
      timeoutMs: 25_000,
    });
    // Assess: stdout is exactly one JSON object; progress went to stderr
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!) as Record<string, any>;
    expect(report.sent).toBeGreaterThan(20 * 6 * 0.8);
    expect(report.failed_idempotent).toBe(0);
    expect(report.failed_by_kind).toEqual(expect.objectContaining({ timeout: expect.any(Number), '5xx': expect.any(Number), connection: expect.any(Number) }));
    expect(typeof report.shift_ms).toBe('number');
    expect(report.moved_back).toBe(true);
    for (const phase of ['before', 'during', 'after']) {
      expect(report.phases[phase]).toEqual(expect.objectContaining({ p50: expect.any(Number), p99: expect.any(Number) }));
    }
    expect(report.phases.during.by_provider['2']).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/disabling provider 1 \(refuse\)/);
  });

  it('a disable command that fails: exit 4, the enable command still runs', async () => {
    // Act: `false` fails the disable step one second in
    const result = await runCli(['drill', '--router', router, '--disable', '1', '--duration', '3', '--disable-cmd', 'false', '--enable-cmd', 'echo enabled-again'], {
      timeoutMs: 20_000,
    });
    // Assess
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/could not disable the provider: 'false' failed \(exit code 1\)/);
    expect(result.stderr).toContain('enabled-again');
  });
});
