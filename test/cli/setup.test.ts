import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refusedPort } from '../support/ports.ts';
import { cliEnv, runCli, runCliInProcess, type CliResult } from './cliProcess.ts';
import { startCloudflareApiMock, type ApiFailure, type CloudflareApiMock } from './cloudflareApiMock.ts';
import { REPO, stageWorkspace, WRANGLER_QUIET, type StageWorkspace } from './stageWorkspace.ts';

// `hadoku-route setup` as a user runs it: the real CLI in a scratch copy of the project, against a
// stand-in of the Cloudflare API on 127.0.0.1 (the control plane is the one thing mocked).

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const TITLE = 'hadoku-route-dev-SETTINGS';
const run = promisify(execFile);

/** Runs setup in the workspace with the stand-in's base, token and account, plus `env` changes (undefined removes). */
async function setup(
  ws: StageWorkspace,
  api: CloudflareApiMock,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const full: Record<string, string | undefined> = {
    ...cliEnv(),
    CLOUDFLARE_API_BASE_URL: api.url,
    CLOUDFLARE_API_TOKEN: api.token,
    CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
    ...env,
  };
  const clean = Object.fromEntries(Object.entries(full).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return runCliInProcess(['setup', ...args], { cwd: ws.dir, env: clean });
}

const posts = (api: CloudflareApiMock) => api.calls.filter((call) => call.method === 'POST');

/** A scratch project and an API stand-in of its own, so rows can run side by side. */
async function fixture(): Promise<{
  ws: StageWorkspace;
  api: CloudflareApiMock;
  original: string;
  [Symbol.asyncDispose](): Promise<void>;
}> {
  const ws = stageWorkspace();
  const api = await startCloudflareApiMock({ accountId: ACCOUNT });
  const original = readFileSync(ws.wranglerToml, 'utf8');
  return { ws, api, original, [Symbol.asyncDispose]: async () => (await api.close(), ws.remove()) };
}

describe('CLI: hadoku-route setup', () => {
  let ws: StageWorkspace;
  let api: CloudflareApiMock;
  let original: string;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    const f = await fixture();
    ({ ws, api, original } = f);
    dispose = f[Symbol.asyncDispose];
  });
  afterEach(() => dispose());

  it('creates the namespace, writes its id into [env.dev] and changes nothing else of wrangler.toml', async () => {
    // Act
    const result = await setup(ws, api, ['--stage', 'dev']);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(api.namespaces).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{32}$/), title: TITLE }]);
    const [{ id }] = api.namespaces;
    expect(readFileSync(ws.wranglerToml, 'utf8')).toBe(original.replace('id = "00000000000000000000000000000001"', `id = "${id}"`));
    expect(posts(api)).toHaveLength(1);
    expect(posts(api)[0].body).toBe(JSON.stringify({ title: TITLE }));
    expect(result.stdout).toContain(`KV namespace "${TITLE}": created (id ${id})`);
    expect(result.stdout).toContain('npx wrangler deploy --env dev');
    expect(result.stderr).toContain('setup: created namespace');
    // The token went to the API as a Bearer token, and nowhere else.
    expect(api.calls.every((call) => call.authorization === `Bearer ${api.token}`)).toBe(true);
    expect(result.stdout + result.stderr).not.toContain(api.token);
  });

  it('run again: finds the id already written, creates nothing and says there is nothing to do', async () => {
    // Prepare
    await setup(ws, api, ['--stage', 'dev']);
    const written = readFileSync(ws.wranglerToml, 'utf8');

    // Act
    const again = await setup(ws, api, ['--stage', 'dev']);

    // Assess
    expect(again.code, again.stderr).toBe(0);
    expect(posts(api)).toHaveLength(1);
    expect(readFileSync(ws.wranglerToml, 'utf8')).toBe(written);
    expect(again.stdout).toContain('already holds this id: nothing to do');
  });

  it('finds an existing namespace by title (on the second page of the list) and writes its id; creates nothing', async () => {
    // Prepare: 150 other namespaces sort before it, so it is on page 2 of 100.
    for (let i = 0; i < 150; i++) api.namespaces.push({ id: i.toString(16).padStart(32, 'a'), title: `a-${String(i).padStart(3, '0')}` });
    api.namespaces.push({ id: 'f'.repeat(32), title: TITLE });

    // Act
    const result = await setup(ws, api, ['--stage', 'dev', '--json']);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(posts(api)).toEqual([]);
    expect(api.calls.map((call) => call.query.page)).toEqual(['1', '2']);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true,
      stage: 'dev',
      namespace: { id: 'f'.repeat(32), title: TITLE, action: 'found' },
      wrangler_config: { action: 'written', previous_id: '00000000000000000000000000000001' },
      next: expect.arrayContaining(['npx cdk deploy HadokuRoute-dev -c stage=dev']),
    });
    expect(readFileSync(ws.wranglerToml, 'utf8')).toContain(`id = "${'f'.repeat(32)}"`);
  });

  it('--dry-run looks up but creates and writes nothing', async () => {
    // Act
    const result = await setup(ws, api, ['--stage', 'prod', '--dry-run']);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(posts(api)).toEqual([]);
    expect(readFileSync(ws.wranglerToml, 'utf8')).toBe(original);
    expect(result.stdout).toContain('would write the id');
  });

  it('--json: a refused token is one JSON document on stdout too, exit 2, without the token', async () => {
    // Prepare
    api.fail({ status: 403, errors: [{ code: 10000, message: 'Authentication error' }] });

    // Act
    const result = await setup(ws, api, ['--stage', 'dev', '--json']);

    // Assess
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, exit_code: 2, error: expect.stringContaining('Authentication error') });
    expect(result.stdout + result.stderr).not.toContain(api.token);
  });

  it('--help teaches the variables, the title and the exit codes', async () => {
    // Act
    const result = await runCli(['setup', '--help']);

    // Assess
    expect(result.code).toBe(0);
    for (const text of ['CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_ACCOUNT_ID', 'hadoku-route-<stage>-SETTINGS', '--api-base', 'Exit codes:']) {
      expect(result.stdout).toContain(text);
    }
  });

  it('the id written is what `wrangler deploy --dry-run --env dev` binds, and the Worker still builds', { timeout: 120_000 }, async () => {
    // Prepare
    await setup(ws, api, ['--stage', 'dev']);
    const [{ id }] = api.namespaces;

    // Act
    const { stdout, stderr } = await run(
      process.execPath,
      [join(REPO, 'node_modules', 'wrangler', 'bin', 'wrangler.js'), 'deploy', '--dry-run', '--env', 'dev', '--outdir', 'out'],
      { cwd: ws.dir, env: { ...process.env, ...WRANGLER_QUIET }, timeout: 110_000 },
    );

    // Assess
    expect(stdout + stderr).toContain(`env.SETTINGS (${id})`);
    expect(readFileSync(join(ws.dir, 'out', 'index.js'), 'utf8').length).toBeGreaterThan(1000);
  });
});

interface BadRow {
  args?: string[];
  env?: Record<string, string | undefined>;
  failure?: ApiFailure;
  createAnswer?: unknown;
  toml?: string;
  code: number;
  message: string;
}

const authError = (status: number): ApiFailure => ({ status, errors: [{ code: 10000, message: 'Authentication error' }] });

const BAD: Array<[string, BadRow]> = [
  ['no --stage', { args: [], code: 1, message: '--stage NAME is required' }],
  [
    'an upper-case stage',
    { args: ['--stage', 'Dev'], code: 1, message: '--stage must be 1-20 lower-case letters, digits or "-" (got \'Dev\')' },
  ],
  ['a stage of 21 characters', { args: ['--stage', 'a'.repeat(21)], code: 1, message: '--stage must be 1-20' }],
  ['a stage with shell characters', { args: ['--stage', 'dev;rm -rf /'], code: 1, message: '--stage must be 1-20' }],
  ['a stage wrangler.toml has no block for', { args: ['--stage', 'qa'], code: 1, message: 'has no [env.qa] block: copy [env.dev]' }],
  ['an unknown flag', { args: ['--stage', 'dev', '--acount', 'x'], code: 1, message: "unknown flag '--acount'" }],
  [
    'a missing wrangler config',
    { args: ['--stage', 'dev', '--wrangler-config', 'nope.toml'], code: 1, message: 'cannot read --wrangler-config' },
  ],
  ['an inline kv_namespaces', { toml: '[env.dev]\nkv_namespaces = [{ binding = "SETTINGS", id = "x" }]\n', code: 1, message: 'inline' }],
  ['no CLOUDFLARE_API_TOKEN', { env: { CLOUDFLARE_API_TOKEN: undefined }, code: 1, message: 'CLOUDFLARE_API_TOKEN is not set' }],
  [
    'a token with a line break',
    { env: { CLOUDFLARE_API_TOKEN: 'abc\ndef' }, code: 1, message: 'CLOUDFLARE_API_TOKEN contains whitespace' },
  ],
  [
    'no CLOUDFLARE_ACCOUNT_ID',
    { env: { CLOUDFLARE_ACCOUNT_ID: undefined }, code: 1, message: 'CLOUDFLARE_ACCOUNT_ID must be the 32 hex digits' },
  ],
  [
    'an account id that is no id',
    {
      env: { CLOUDFLARE_ACCOUNT_ID: 'my-account' },
      code: 1,
      message: "CLOUDFLARE_ACCOUNT_ID must be the 32 hex digits of the account (got 'my-account')",
    },
  ],
  [
    '--api-base that is no URL',
    { args: ['--stage', 'dev', '--api-base', 'api.cloudflare'], code: 1, message: '--api-base must be an http(s) URL' },
  ],
  [
    '--api-base over plain http to another host',
    { args: ['--stage', 'dev', '--api-base', 'http://api.example.com/client/v4'], code: 1, message: '--api-base must be https' },
  ],
  [
    'CLOUDFLARE_API_BASE_URL over plain http',
    { env: { CLOUDFLARE_API_BASE_URL: 'http://example.com' }, code: 1, message: 'CLOUDFLARE_API_BASE_URL must be https' },
  ],
  [
    'the API refusing the token (403)',
    { failure: authError(403), code: 2, message: 'Cloudflare API refused CLOUDFLARE_API_TOKEN (403): Authentication error [code 10000]' },
  ],
  [
    'the API refusing the token (401)',
    { failure: authError(401), code: 2, message: 'refused CLOUDFLARE_API_TOKEN (401): Authentication error' },
  ],
  [
    'an API error',
    {
      failure: { status: 500, errors: [{ code: 10001, message: 'service unavailable' }] },
      code: 2,
      message: 'failed (500): service unavailable [code 10001]',
    },
  ],
  [
    'an answer that is not the envelope',
    { failure: { status: 502, errors: [], raw: '<html>bad gateway</html>' }, code: 2, message: 'answered 502 without its JSON envelope' },
  ],
  [
    'a created id that is not 32 hex digits',
    { createAnswer: { id: 'x"\n[evil]', title: TITLE }, code: 2, message: 'whose id is not 32 hex digits; nothing written' },
  ],
];

describe('CLI: hadoku-route setup refuses bad input, naming the flag or variable', () => {
  it.each(BAD)('%s', async (_label, row) => {
    // Prepare
    await using f = await fixture();
    const { ws, api } = f;
    if (row.failure) api.fail(row.failure);
    if (row.createAnswer) api.answerCreateWith(row.createAnswer);
    if (row.toml) writeFileSync(ws.wranglerToml, row.toml);
    const before = readFileSync(ws.wranglerToml, 'utf8');

    // Act
    const result = await setup(ws, api, row.args ?? ['--stage', 'dev'], row.env);

    // Assess: the exit code and message; nothing written; the token never shown.
    expect(result.code, result.stderr).toBe(row.code);
    expect(result.stderr).toContain(row.message);
    expect(readFileSync(ws.wranglerToml, 'utf8')).toBe(before);
    expect(result.stdout + result.stderr).not.toContain(api.token);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('an API that cannot be reached exits 2 naming where it looked', async () => {
    // Prepare
    await using f = await fixture();
    const { ws, api, original } = f;
    const base = `http://127.0.0.1:${await refusedPort()}/client/v4`;

    // Act
    const result = await setup(ws, api, ['--stage', 'dev', '--api-base', base]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot reach the Cloudflare API at ${base}`);
    expect(readFileSync(ws.wranglerToml, 'utf8')).toBe(original);
  });

  it('makes no API call when wrangler.toml cannot take the id (nothing created to orphan)', async () => {
    // Prepare
    await using f = await fixture();
    const { ws, api } = f;

    // Act
    const result = await setup(ws, api, ['--stage', 'qa']);

    // Assess
    expect(result.code).toBe(1);
    expect(api.calls).toEqual([]);
  });
});
