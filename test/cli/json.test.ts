import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSsmServer, type SsmServer } from '../../infra/hosts/ssmServer.ts';
import { ssmEnv } from '../support/ssmEnv.ts';
import { cliEnv, runCli, runCliInProcess, tempDir, writeFixture } from './cliProcess.ts';

// Each --json document has a documented shape (README, "The hadoku-route CLI"): these tests pin
// every key, so a CI step that reads one does not break silently.
const config = {
  global_priority: '21',
  routes: { task: { priority: '213', cache: false }, watchparty: { priority: '1' } },
  providers: { '1': '${LOCAL_BASE}', '2': 'https://worker.example.com', '3': '${LAMBDA_BASE}' },
};
const env = cliEnv({ LOCAL_BASE: 'http://127.0.0.1:4001' });
const VERSION = expect.stringMatching(/^[0-9a-f]{16}$/);
const providers = [
  { id: '1', base: '${LOCAL_BASE}' },
  { id: '2', base: 'https://worker.example.com' },
  { id: '3', base: '${LAMBDA_BASE}' },
];
const variables = [
  { name: 'LOCAL_BASE', set: true, fields: ['providers.1'] },
  { name: 'LAMBDA_BASE', set: false, fields: ['providers.3'] },
];

function setup(): { dir: string; file: string } {
  const dir = tempDir();
  return { dir, file: writeFixture(dir, 'route-config.json', config) };
}

/**
 * Runs a command and parses its stdout, which must be exactly one JSON document. File stores run
 * in-process; SSM through the binary (the AWS SDK takes its credentials from the process's own environment).
 */
async function runJson(args: string[], opts: { cwd?: string; env?: Record<string, string> }) {
  const result = await (opts.env?.AWS_ENDPOINT_URL_SSM ? runCli : runCliInProcess)(args, opts);
  return { ...result, json: JSON.parse(result.stdout) as Record<string, unknown> };
}

describe('CLI --json: validate', () => {
  it('prints file, bytes, version, providers as stored, orders, variables, overrides, warnings', async () => {
    // Prepare
    const { dir, file } = setup();
    // Act
    const { code, json, stderr } = await runJson(['validate', '--json'], { cwd: dir, env: { ...env, TASK_ROUTE_PRIORITY: '31' } });
    // Assess
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(json).toEqual({
      ok: true,
      file,
      bytes: readFileSync(file).byteLength,
      version: VERSION,
      providers,
      orders: [
        { app: 'task', order: ['3', '1'], source: 'env' },
        { app: 'watchparty', order: ['1'], source: 'config' },
        { app: '*', order: ['2', '1'], source: 'config' },
      ],
      variables,
      overrides: [{ name: 'TASK_ROUTE_PRIORITY', value: '31' }],
      warnings: [],
    });
  });

  it('an invalid config: exit 1 and {ok: false, exit_code, error, details} with one error per line', async () => {
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', { ...config, global_priority: '29' });
    const { code, json } = await runJson(['validate', '--json'], { cwd: dir, env });
    expect(code).toBe(1);
    expect(json).toEqual({
      ok: false,
      exit_code: 1,
      error: expect.stringMatching(/route-config\.json: invalid config, 1 error$/),
      details: [
        'global_priority: unknown provider id "9" in "29" (known: 1, 2, 3)',
        expect.stringMatching(/^note: \$\{LAMBDA_BASE\} not set here; checked with a placeholder/),
      ],
    });
  });

  it('a usage error is a JSON document too', async () => {
    const { code, json } = await runJson(['validate', 'a.json', 'b.json', '--json'], { env });
    expect(code).toBe(1);
    expect(json).toMatchObject({ ok: false, exit_code: 1, error: expect.stringMatching(/unexpected argument 'b\.json'/) });
  });
});

describe('CLI --json: show', () => {
  it('prints store, version, modified, bytes, providers, orders, variables, warnings', async () => {
    const { dir, file } = setup();
    const { code, json } = await runJson(['show', '--json'], { cwd: dir, env });
    expect(code).toBe(0);
    expect(json).toEqual({
      ok: true,
      store: { target: 'file', label: `file ${file}` },
      version: VERSION,
      modified: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      bytes: readFileSync(file).byteLength,
      providers,
      orders: [
        { app: 'task', order: ['2', '1', '3'], source: 'config' },
        { app: 'watchparty', order: ['1'], source: 'config' },
        { app: '*', order: ['2', '1'], source: 'config' },
      ],
      variables,
      warnings: [],
    });
  });

  it('a store that holds nothing: exit 1 as JSON', async () => {
    const dir = tempDir();
    const { code, json } = await runJson(['show', '--json'], { cwd: dir, env });
    expect(code).toBe(1);
    expect(json).toMatchObject({ ok: false, exit_code: 1, error: expect.stringMatching(/holds no config/) });
    expect(json.details).toEqual([expect.stringMatching(/push FILE/)]);
  });
});

describe('CLI --json: flip and push', () => {
  it('flip --dry-run: store, change, result, versions, order changes; nothing written', async () => {
    const { dir, file } = setup();
    const before = readFileSync(file, 'utf8');
    const { code, json } = await runJson(['flip', 'task', '12', '--dry-run', '--json', '--no-probe'], { cwd: dir, env });
    expect(code).toBe(0);
    expect(json).toEqual({
      ok: true,
      store: { target: 'file', label: `file ${file}` },
      change: { field: 'routes.task.priority', priority: '12' },
      result: 'dry-run',
      version_before: VERSION,
      version: json.version_before,
      valid_before: true,
      orders: [
        { app: 'task', before: ['2', '1', '3'], after: ['1', '2'] },
        { app: 'watchparty', before: ['1'], after: ['1'] },
        { app: '*', before: ['2', '1'], after: ['2', '1'] },
      ],
      variables,
      warnings: [],
      probes: null,
      watch: null,
    });
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('flip: result written with the new version; a second identical flip is unchanged', async () => {
    const { dir } = setup();
    const first = await runJson(['flip', 'global', '3', '--json'], { cwd: dir, env });
    expect(first.code).toBe(0);
    expect(first.json).toMatchObject({ result: 'written', change: { field: 'global_priority', priority: '3' } });
    expect(first.json.version).not.toBe(first.json.version_before);
    const again = await runJson(['flip', 'global', '3', '--json'], { cwd: dir, env });
    expect(again.json).toMatchObject({ result: 'unchanged', version_before: first.json.version, version: first.json.version });
  });

  it('flip: a refused priority is exit 1 as JSON, naming the field', async () => {
    const { dir } = setup();
    const { code, json } = await runJson(['flip', 'task', '17', '--json'], { cwd: dir, env });
    expect(code).toBe(1);
    const error = expect.stringMatching(/refused \(nothing written\): invalid config, 1 error/);
    expect(json).toMatchObject({ ok: false, exit_code: 1, error });
    expect((json.details as string[])[0]).toMatch(/^routes\.task\.priority: unknown provider id "7"/);
  });

  it('push: store, file, result, versions (null before a first write), order changes', async () => {
    const dir = tempDir();
    const file = writeFixture(dir, 'src.json', config);
    const { code, json } = await runJson(['push', 'src.json', '--config', 'new.json', '--json'], { cwd: dir, env });
    expect(code).toBe(0);
    expect(json).toEqual({
      ok: true,
      store: { target: 'file', label: expect.stringMatching(/^file .*new\.json$/) },
      file,
      result: 'written',
      version_before: null,
      version: VERSION,
      valid_before: false,
      orders: [
        { app: 'task', before: null, after: ['2', '1', '3'] },
        { app: 'watchparty', before: null, after: ['1'] },
        { app: '*', before: null, after: ['2', '1'] },
      ],
      variables,
      warnings: [],
    });
  });
});

describe('CLI --json: history and rollback (--target ssm)', () => {
  const NAME = '/hadoku-route/route-config';
  let ssm: SsmServer;
  beforeEach(async () => {
    ssm = await startSsmServer({ parameters: { [NAME]: JSON.stringify(config) } });
    ssm.put(NAME, JSON.stringify({ ...config, global_priority: '3' }));
    ssm.put(NAME, '{"providers": {"1": "ftp://x.example"}}');
  });
  afterEach(async () => {
    await ssm.close();
  });
  const ssmCliEnv = () => cliEnv(ssmEnv(ssm.url, NAME));

  it('history: store and every version with time, author, current, validity, orders, errors', async () => {
    const { code, json } = await runJson(['history', '--json'], { env: ssmCliEnv() });
    expect(code).toBe(0);
    const versions = json.versions as Array<Record<string, unknown>>;
    expect(json.store).toEqual({ target: 'ssm', label: `ssm ${NAME}` });
    expect(versions.map((v) => [v.version, v.current, v.valid])).toEqual([
      ['1', false, true],
      ['2', false, true],
      ['3', true, false],
    ]);
    expect(versions[0]).toEqual({
      version: '1',
      modified: expect.stringMatching(/Z$/),
      author: expect.any(String),
      current: false,
      valid: true,
      orders: [
        { app: 'task', order: ['2', '1', '3'], source: 'config' },
        { app: 'watchparty', order: ['1'], source: 'config' },
        { app: '*', order: ['2', '1'], source: 'config' },
      ],
      errors: [],
    });
    expect(versions[2]).toMatchObject({ orders: null, errors: [expect.stringMatching(/^providers\.1: .*ftp/)] });
  });

  it('rollback --dry-run: restored version, result, versions, order changes', async () => {
    const { code, json } = await runJson(['rollback', '--to', '1', '--dry-run', '--json'], { env: ssmCliEnv() });
    expect(code).toBe(0);
    expect(json).toEqual({
      ok: true,
      store: { target: 'ssm', label: `ssm ${NAME}` },
      result: 'dry-run',
      restored_version: '1',
      version_before: '3',
      version: '3',
      orders: [
        { app: 'task', before: null, after: ['2', '1', '3'] },
        { app: 'watchparty', before: null, after: ['1'] },
        { app: '*', before: null, after: ['2', '1'] },
      ],
      variables: [
        { name: 'LOCAL_BASE', set: false, fields: ['providers.1'] },
        { name: 'LAMBDA_BASE', set: false, fields: ['providers.3'] },
      ],
    });
    expect(ssm.get(NAME)?.version).toBe(3);
  });

  it('rollback: written, with the new version', async () => {
    const { code, json } = await runJson(['rollback', '--to', '2', '--yes', '--json'], { env: ssmCliEnv() });
    expect(code).toBe(0);
    expect(json).toMatchObject({ ok: true, result: 'written', restored_version: '2', version_before: '3', version: '4' });
    expect(ssm.get(NAME)?.version).toBe(4);
  });
});
