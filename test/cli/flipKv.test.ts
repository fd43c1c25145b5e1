import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cliEnv, runCli, runCliInProcess, tempDir, writeFixture } from './cliProcess.ts';
import { startCloudflareApiMock, type ApiFailure, type CloudflareApiMock } from './cloudflareApiMock.ts';

// --target kv: wrangler's local store through Miniflare (one workerd per command), Cloudflare's
// through its API (the mock stands in for the control plane, the one thing tests may mock).
const config = {
  global_priority: '21',
  routes: { task: { priority: '213' } },
  providers: { '1': '${LOCAL_BASE}', '2': 'https://worker.example.com', '3': 'https://abc.lambda-url.eu-west-1.on.aws' },
};
const ACCOUNT = '0123456789abcdef0123456789abcdef';
const DEV_ID = 'fedcba9876543210fedcba9876543210';
const WRANGLER_TOML = [
  'name = "x"',
  'main = "index.js"',
  'compatibility_date = "2026-11-01"',
  '[[kv_namespaces]]',
  'binding = "SETTINGS"',
  'id = "00000000000000000000000000000000"',
  '[env.dev]',
  '[[env.dev.kv_namespaces]]',
  'binding = "SETTINGS"',
  `id = "${DEV_ID}"`,
  '',
].join('\n');

describe("CLI: --target kv --local (wrangler's local KV)", () => {
  it('push creates the key, flip changes it, show reads it back (through the binary)', async () => {
    // Prepare: a private wrangler state folder, the package's wrangler.toml
    const dir = tempDir();
    const state = join(dir, 'state');
    writeFixture(dir, 'route-config.json', config);
    const kv = ['--target', 'kv', '--local', '--persist-to', state];
    // Act + Assess
    const pushed = await runCli(['push', 'route-config.json', ...kv], { cwd: dir, timeoutMs: 60_000 });
    expect(pushed.stderr).not.toMatch(/hadoku-route:/);
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toMatch(/^kv SETTINGS\/route-config \(local .*\) \(empty\) <- /m);

    const flipped = await runCli(['flip', 'task', '31', '--no-probe', ...kv], { cwd: dir, timeoutMs: 60_000 });
    expect(flipped.code).toBe(0);
    expect(flipped.stdout).toMatch(/^ {2}task +2 > 1 > 3 {2}-> {2}3 > 1$/m);
    expect(flipped.stdout).toMatch(/^wrote kv SETTINGS\/route-config/m);

    const shown = await runCli(['show', '--raw', ...kv], { cwd: dir, timeoutMs: 60_000 });
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout).routes.task.priority).toBe('31');
  }, 120_000);

  it('a stage keeps its own namespace: --stage dev writes beside the top level, not over it', async () => {
    const dir = tempDir();
    writeFixture(dir, 'wrangler.toml', WRANGLER_TOML);
    writeFixture(dir, 'route-config.json', config);
    const local = ['--target', 'kv', '--local', '--persist-to', join(dir, 'state')];
    expect((await runCliInProcess(['push', 'route-config.json', ...local, '--stage', 'dev'], { cwd: dir })).code).toBe(0);
    const top = await runCliInProcess(['show', ...local], { cwd: dir });
    const dev = await runCliInProcess(['show', '--raw', ...local, '--stage', 'dev'], { cwd: dir });
    expect(top.code).toBe(1);
    expect(top.stderr).toMatch(/holds no config/);
    expect(JSON.parse(dev.stdout).routes.task.priority).toBe('213');
  }, 60_000);

  it('exits 1 saying how to put a config there when the key is missing', async () => {
    const dir = tempDir();
    const result = await runCliInProcess(['flip', 'task', '1', '--target', 'kv', '--local', '--persist-to', join(dir, 'state')], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/holds no config[\s\S]*push FILE --target kv/);
  });
});

describe("CLI: --target kv (Cloudflare's store through the API)", () => {
  let api: CloudflareApiMock;
  let dir: string;
  const env = () =>
    cliEnv({
      CLOUDFLARE_API_BASE_URL: api.url,
      CLOUDFLARE_API_TOKEN: api.token,
      CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
      LOCAL_BASE: 'http://127.0.0.1:4001',
    });
  const remote = ['--target', 'kv', '--stage', 'dev', '--yes'];

  beforeAll(async () => {
    api = await startCloudflareApiMock({ accountId: ACCOUNT });
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(() => {
    api.fail(undefined);
    api.calls.length = 0;
    api.values.set(DEV_ID, new Map());
    dir = tempDir();
    writeFixture(dir, 'wrangler.toml', WRANGLER_TOML);
    writeFixture(dir, 'route-config.json', config);
  });

  it("push, flip and show go to the stage's namespace, with the token sent and never printed", async () => {
    const pushed = await runCliInProcess(['push', 'route-config.json', ...remote], { cwd: dir, env: env() });
    const flipped = await runCliInProcess(['flip', 'task', '31', '--no-probe', ...remote], { cwd: dir, env: env() });
    const shown = await runCliInProcess(['show', '--raw', '--target', 'kv', '--stage', 'dev'], { cwd: dir, env: env() });
    for (const result of [pushed, flipped, shown]) {
      expect(result.code).toBe(0);
      expect(`${result.stdout}${result.stderr}`).not.toContain(api.token);
    }
    expect(pushed.stdout).toMatch(/^kv SETTINGS\/route-config \(Cloudflare, stage dev\) \(empty\) <- /m);
    expect(JSON.parse(shown.stdout).routes.task.priority).toBe('31');
    expect(JSON.parse(api.values.get(DEV_ID)?.get('route-config') ?? '{}').routes.task.priority).toBe('31');
    const paths = new Set(api.calls.map((call) => `${call.method} ${call.path.replace(/^.*\/namespaces/, '')}`));
    expect(paths).toEqual(new Set([`GET /${DEV_ID}/values/route-config`, `PUT /${DEV_ID}/values/route-config`]));
    expect(api.calls.every((call) => call.authorization === `Bearer ${api.token}`)).toBe(true);
  });

  it('writes the text as it is: a second identical push finds it unchanged', async () => {
    await runCliInProcess(['push', 'route-config.json', ...remote], { cwd: dir, env: env() });
    const again = await runCliInProcess(['push', 'route-config.json', ...remote], { cwd: dir, env: env() });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/unchanged|nothing to write|already/i);
    expect(api.calls.filter((call) => call.method === 'PUT')).toHaveLength(1);
  });

  // Each hostile or broken setting: the exit code, and a message naming what to fix.
  it.each<{
    name: string;
    env?: Record<string, string>;
    args?: string[];
    drop?: boolean;
    fail?: ApiFailure;
    code: number;
    stderr: RegExp;
  }>([
    { name: 'no token', env: { CLOUDFLARE_API_TOKEN: '' }, code: 1, stderr: /show: CLOUDFLARE_API_TOKEN is not set/ },
    {
      name: 'a token with a line break',
      env: { CLOUDFLARE_API_TOKEN: 'abc\ndef' },
      code: 1,
      stderr: /CLOUDFLARE_API_TOKEN contains whitespace/,
    },
    {
      name: 'no account',
      env: { CLOUDFLARE_ACCOUNT_ID: '' },
      code: 1,
      stderr: /CLOUDFLARE_ACCOUNT_ID must be the 32 hex digits .*not set/,
    },
    {
      name: 'a wrong token',
      env: { CLOUDFLARE_API_TOKEN: 'wrong' },
      code: 2,
      stderr: /refused CLOUDFLARE_API_TOKEN \(403\): Authentication error/,
    },
    {
      name: 'plain http to another host',
      env: { CLOUDFLARE_API_BASE_URL: 'http://api.example.com/client/v4' },
      code: 1,
      stderr: /CLOUDFLARE_API_BASE_URL must be https/,
    },
    {
      name: 'a stage wrangler.toml does not bind',
      args: ['--stage', 'qa'],
      code: 1,
      stderr: /binds no KV namespace "SETTINGS"[\s\S]*\[\[env\.qa\.kv_namespaces\]\][\s\S]*setup --stage qa/,
    },
    { name: 'a namespace id the account does not have', drop: true, code: 1, stderr: /has no namespace fedcba98[\s\S]*setup --stage/ },
    {
      name: 'the API failing',
      fail: { status: 500, errors: [{ code: 10001, message: 'service unavailable' }] },
      code: 2,
      stderr: /failed \(500\): service unavailable \[code 10001\]/,
    },
    {
      name: 'an HTML error page',
      fail: { status: 502, errors: [], raw: '<html>bad gateway</html>' },
      code: 2,
      stderr: /answered 502 without its JSON envelope/,
    },
  ])('$name: exit $code naming it', async (row) => {
    if (row.drop) api.values.delete(DEV_ID);
    if (row.fail) api.fail(row.fail);
    const args = ['show', '--target', 'kv', ...(row.args ?? ['--stage', 'dev'])];
    const result = await runCliInProcess(args, { cwd: dir, env: { ...env(), ...row.env } });
    expect(result.code).toBe(row.code);
    expect(result.stderr).toMatch(row.stderr);
    expect(result.stderr).not.toContain(api.token);
  });

  it('CLOUDFLARE_ENV names the stage when --stage does not, as for wrangler (flip.yml sets it)', async () => {
    api.values.get(DEV_ID)?.set('route-config', JSON.stringify(config));
    const result = await runCliInProcess(['show', '--target', 'kv'], { cwd: dir, env: { ...env(), CLOUDFLARE_ENV: 'dev' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^kv SETTINGS\/route-config \(Cloudflare, stage dev\): version /m);
  });

  it('without a stage, the top-level [[kv_namespaces]] is the namespace, as for wrangler', async () => {
    const result = await runCliInProcess(['show', '--target', 'kv'], { cwd: dir, env: env() });
    expect(result.code).toBe(1);
    expect(api.calls.map((call) => call.path)).toEqual([
      expect.stringContaining('/namespaces/00000000000000000000000000000000/values/route-config'),
    ]);
  });

  it('a wrangler.toml with no SETTINGS binding: exit 1 naming the table to add', async () => {
    writeFixture(dir, 'wrangler.toml', 'name = "x"\nmain = "index.js"\ncompatibility_date = "2026-11-01"\n');
    const result = await runCliInProcess(['show', '--target', 'kv', '--local', '--persist-to', join(dir, 'state')], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^hadoku-route: show: .*wrangler\.toml binds no KV namespace "SETTINGS"/m);
    expect(result.stderr).toMatch(/add a \[\[kv_namespaces\]\] table with binding = "SETTINGS"/);
  });
});
