import { describe, expect, it } from 'vitest';
import { cliEnv, runCli, runCliInProcess, tempDir, writeFixture } from './cliProcess.ts';

const good = {
  global_priority: '21',
  routes: {
    task: { priority: '213', cache: false },
    watchparty: { priority: '1', cache: true, cache_ttl_seconds: 60 },
  },
  providers: { '1': '${LOCAL_BASE}', '2': 'https://worker.example.com', '3': 'https://abc.lambda-url.eu-west-1.on.aws' },
};
const env = cliEnv({ LOCAL_BASE: 'http://127.0.0.1:4001' });

describe('CLI: validate', () => {
  it('exits 0 and prints each app order for a valid config', async () => {
    // Prepare
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', good);
    // Act
    const result = await runCliInProcess(['validate'], { cwd: dir, env });
    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/route-config\.json: valid \(\d+ bytes/);
    expect(result.stdout).toMatch(/^ {2}task +2 > 1 > 3 +from config$/m);
    expect(result.stdout).toMatch(/^ {2}watchparty +1 +from config$/m);
    expect(result.stdout).toMatch(/^ {2}\* +2 > 1 +from config +\(apps without a route\)$/m);
    // Bases as stored: a substituted value is never printed (it may be a secret)
    expect(result.stdout).toMatch(/^ {2}1 {2}\$\{LOCAL_BASE\} {2}\(set here\)$/m);
    expect(result.stdout).toMatch(/^ {2}2 {2}https:\/\/worker\.example\.com$/m);
    expect(result.stdout).toContain('variables every router must provide: LOCAL_BASE (set here)');
    expect(result.stdout).not.toContain('127.0.0.1:4001');
    expect(result.stderr).toBe('');
  });

  it('takes the file as an argument', async () => {
    const dir = tempDir();
    const file = writeFixture(dir, 'staging.json', good);
    const result = await runCliInProcess(['validate', file], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${file}: valid`);
  });

  it('honours and shows the env overrides', async () => {
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', good);
    const result = await runCliInProcess(['validate'], { cwd: dir, env: { ...env, TASK_ROUTE_PRIORITY: '31', ROUTE_PRIORITY: '3' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}task +3 > 1 +from env TASK_ROUTE_PRIORITY$/m);
    expect(result.stdout).toMatch(/^ {2}\* +3 +from env ROUTE_PRIORITY/m);
    expect(result.stdout).toContain('env overrides in effect: ROUTE_PRIORITY=3, TASK_ROUTE_PRIORITY=31');
  });

  it('rejects an invalid env override with exit 1, naming the variable', async () => {
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', good);
    const result = await runCliInProcess(['validate'], { cwd: dir, env: { ...env, TASK_ROUTE_PRIORITY: '19' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/TASK_ROUTE_PRIORITY.*unknown provider id "9"/);
  });

  it.each([
    [{ ROUTE_APPS: 'task,tasks' }, 'ROUTE_APPS: unknown app "tasks" (the registry has: task, watchparty'],
    [{ ROUTE_SELF: '8' }, 'ROUTE_SELF: unknown provider id "8"'],
  ])('checks what the deployment would host: %j exits 1 naming the variable', async (extra, message) => {
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', { providers: { '1': 'http://127.0.0.1:9' } });
    const result = await runCliInProcess(['validate'], { cwd: dir, env: { ...extra } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });

  it('exits 1 listing every error with its field', async () => {
    // Prepare: four independent mistakes in one file
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', {
      global_priority: '211',
      routes: { task: { priority: '7' } },
      providers: { '1': 'https://one.example', '2': 'ftp://x.example', '3': 'https://user:pw@ok.example' },
    });
    // Act
    const result = await runCliInProcess(['validate'], { cwd: dir, env });
    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const err = result.stderr;
    expect(err).toMatch(/invalid config, 4 errors/);
    expect(err).toMatch(/^ {2}- global_priority: provider id "1" appears twice/m);
    expect(err).toMatch(/^ {2}- routes\.task\.priority: unknown provider id "7"/m);
    expect(err).toMatch(/^ {2}- providers\.2: .*ftp/m);
    expect(err).toMatch(/^ {2}- providers\.3: .*credentials/m);
  });

  it('exits 1 listing every schema error: unknown key, wrong type (an unset ${VAR} is a placeholder)', async () => {
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', {
      routes: { task: { priority: '1', cahce: true } },
      providers: { '1': '${NOT_SET_ANYWHERE}' },
      timeout_ms: 'fast',
    });
    const result = await runCliInProcess(['validate'], { cwd: dir, env });
    expect(result.code).toBe(1);
    const err = result.stderr;
    expect(err).toMatch(/invalid config, 2 errors/);
    expect(err).toMatch(/routes\.task\.cahce: unknown key \(did you mean "cache"\?\)/);
    expect(err).toMatch(/timeout_ms: /);
    expect(err).toMatch(/note: \$\{NOT_SET_ANYWHERE\} not set here; checked with a placeholder/);
  });

  it('--strict: an unset ${VAR} is one more error, naming its field, with a hint', async () => {
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', {
      routes: { task: { priority: '1', cahce: true } },
      providers: { '1': '${NOT_SET_ANYWHERE}' },
      timeout_ms: 'fast',
    });
    const result = await runCliInProcess(['validate', '--strict'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/invalid config, 3 errors/);
    expect(result.stderr).toMatch(/providers\.1: \$\{NOT_SET_ANYWHERE\} is not set/);
    expect(result.stderr).toContain('hint: set each ${VAR} in the environment or in .env');
  });

  it('exits 1 on a file that is not JSON', async () => {
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', '{"providers": {');
    const result = await runCliInProcess(['validate'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not valid JSON/);
  });

  it('exits 1 on a missing file, naming how to choose another', async () => {
    const result = await runCliInProcess(['validate', 'missing.json'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot read config .*missing\.json: no such file \(choose another with the FILE argument\)/);
  });

  it('accepts a config over 4096 bytes with a warning', async () => {
    // Prepare: many routes push the JSON past the SSM Standard limit
    const routes = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`app-${i}`, { priority: '21', cache_ttl_seconds: 30 }]));
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', { ...good, routes });
    // Act
    const result = await runCliInProcess(['validate'], { cwd: dir, env });
    // Assess
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^warning: config is \d+ bytes: over the 4096-byte limit/m);
    expect(result.stdout).toMatch(/^ {2}app-149 +2 > 1/m);
  });

  it('--quiet prints nothing when valid', async () => {
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', good);
    const result = await runCliInProcess(['validate', '--quiet'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
  });

  it('reads .env from the current directory for ${VAR}', async () => {
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', good);
    writeFixture(dir, '.env', 'LOCAL_BASE=http://127.0.0.1:4999\n');
    const result = await runCli(['validate'], { cwd: dir, env: cliEnv() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('LOCAL_BASE (set here)');
    expect(result.stdout).not.toContain('http://127.0.0.1:4999');
    expect(result.stderr).toBe('');
  });
});

describe('CLI: one ${VAR} rule for every command that checks or edits a config', () => {
  // The repository's own route-config.json on a fresh clone: no .env, nothing set.
  const fresh = {
    global_priority: '21',
    routes: { task: { priority: '213', cache: false } },
    providers: { '1': '${LOCAL_BASE}', '2': '${WORKER_BASE}', '3': '${LAMBDA_BASE}' },
  };
  const push = ['push', 'route-config.json', '--dry-run', '-c', 'other.json'];
  const commands = [['validate'], ['show'], ['flip', 'task', '12', '--dry-run'], push];

  it.each(commands)('%s: exit 0 with a placeholder, saying which variables are not set here', async (...args) => {
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', fresh);
    const result = await runCliInProcess(args, { cwd: dir, env: cliEnv() });
    expect(result.code).toBe(0);
    const names = /^note: \$\{LOCAL_BASE\}, \$\{WORKER_BASE\}, \$\{LAMBDA_BASE\} not set here; checked with a placeholder/m;
    expect(result.stderr).toMatch(names);
  });

  it.each(commands)('%s --strict: exit 1 naming each unset variable with its field', async (...args) => {
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', fresh);
    const result = await runCliInProcess([...args, '--strict'], { cwd: dir, env: cliEnv({ WORKER_BASE: 'https://w.example' }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/providers\.1: \$\{LOCAL_BASE\} is not set/);
    expect(result.stderr).toMatch(/providers\.3: \$\{LAMBDA_BASE\} is not set/);
    expect(result.stderr).not.toMatch(/WORKER_BASE\} is not set/);
  });

  it('a placeholder never passes off a broken config as valid', async () => {
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', { ...fresh, global_priority: '29' });
    const result = await runCliInProcess(['validate'], { cwd: dir, env: cliEnv() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/global_priority: unknown provider id "9"/);
  });
});
