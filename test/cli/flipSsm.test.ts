import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSsmServer, type SsmServer } from '../../infra/hosts/ssmServer.ts';
import { ssmEnv } from '../support/ssmEnv.ts';
import { cliEnv, runCliInProcess, tempDir, writeFixture } from './cliProcess.ts';

const NAME = '/hadoku-route/route-config';
const config = {
  global_priority: '21',
  routes: { task: { priority: '213' } },
  providers: { '1': '${LOCAL_BASE}', '2': 'https://worker.example.com', '3': 'https://abc.lambda-url.eu-west-1.on.aws' },
};
const compact = JSON.stringify(config);
// Flips to provider 3 use --no-probe: its base is not on loopback (the probe: flipGuard.test.ts).

let ssm: SsmServer;
beforeEach(async () => {
  ssm = await startSsmServer({ parameters: { [NAME]: compact } });
});
afterEach(async () => {
  await ssm.close();
});

/** The real SDK pointed at the SSM-protocol server; dummy credentials, nothing leaves loopback. */
function ssmCliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return cliEnv({ ...ssmEnv(ssm.url, NAME), ...extra });
}

describe('CLI: flip --target ssm', () => {
  it('flips through the real SDK, keeping a one-line value on one line', async () => {
    // Act
    const result = await runCliInProcess(['flip', 'task', '31', '--target', 'ssm', '--no-probe', '--yes'], { env: ssmCliEnv() });
    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ssm \/hadoku-route\/route-config \(version 1\): routes\.task\.priority -> "31"$/m);
    expect(result.stdout).toMatch(/^ {2}task +2 > 1 > 3 {2}-> {2}3 > 1$/m);
    expect(result.stdout).toMatch(/^wrote ssm \/hadoku-route\/route-config \(version 2\)$/m);
    expect(ssm.get(NAME)?.value).toBe(JSON.stringify({ ...config, routes: { task: { priority: '31' } } }));
  });

  it('needs --yes when not run from a terminal, and writes nothing without it', async () => {
    const result = await runCliInProcess(['flip', 'task', '31', '--target', 'ssm', '--no-probe'], { env: ssmCliEnv() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('writing to ssm /hadoku-route/route-config needs --yes when not run from a terminal');
    expect(ssm.get(NAME)?.version).toBe(1);
  });

  it("--stage reaches that stage's parameter, /hadoku-route/<stage>/route-config, over ROUTE_CONFIG_PARAMETER", async () => {
    ssm.put('/hadoku-route/prod/route-config', compact);
    const result = await runCliInProcess(['flip', 'global', '3', '--target', 'ssm', '--no-probe', '--stage', 'prod', '--yes'], {
      env: ssmCliEnv(),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(ssm.get('/hadoku-route/prod/route-config')!.value).global_priority).toBe('3');
    expect(ssm.get(NAME)?.version).toBe(1);
  });

  it.each([
    [['--stage', 'Prod'], '--stage must be 1-20 lower-case letters, digits or "-" (got \'Prod\')'],
    [['--stage', 'prod', '--parameter', '/x'], 'give --stage or --parameter, not both'],
  ])('refuses %j naming the flag, writing nothing', async (flags, message) => {
    const result = await runCliInProcess(['flip', 'global', '3', '--target', 'ssm', '--no-probe', ...flags, '--yes'], { env: ssmCliEnv() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(ssm.get(NAME)?.version).toBe(1);
  });

  describe('never raises the SSM tier behind the stack (the stack picks it from the file at synth)', () => {
    // 100 routes: over 4096 bytes once pushed (compact JSON).
    const big = JSON.stringify({
      ...config,
      routes: Object.fromEntries(Array.from({ length: 100 }, (_v, i) => [`app-number-${i}`, { priority: '21' }])),
    });

    it('refuses a push that needs the Advanced tier on a Standard parameter, exit 1, nothing written', async () => {
      const dir = tempDir();
      writeFixture(dir, 'big.json', JSON.parse(big));
      const result = await runCliInProcess(['push', 'big.json', '--target', 'ssm', '--yes'], { cwd: dir, env: ssmCliEnv() });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/over the 4096 bytes of the parameter's Standard tier; nothing written/);
      expect(result.stderr).toContain('make the change there and `cdk deploy`');
      expect(ssm.get(NAME)?.version).toBe(1);
    });

    it('writes it to a parameter the stack made Advanced, keeping it Advanced', async () => {
      ssm.put(NAME, compact, 'Advanced');
      const dir = tempDir();
      writeFixture(dir, 'big.json', JSON.parse(big));
      const result = await runCliInProcess(['push', 'big.json', '--target', 'ssm', '--yes'], { cwd: dir, env: ssmCliEnv() });
      expect(result.code, result.stderr).toBe(0);
      expect(ssm.get(NAME)?.value.length).toBeGreaterThan(4096);
      expect(ssm.get(NAME)?.tier).toBe('Advanced');
    });
  });

  it('--parameter wins over ROUTE_CONFIG_PARAMETER', async () => {
    ssm.put('/other', compact);
    const result = await runCliInProcess(['flip', 'global', '3', '--target', 'ssm', '--no-probe', '--parameter', '/other', '--yes'], {
      env: ssmCliEnv(),
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(ssm.get('/other')!.value).global_priority).toBe('3');
    expect(ssm.get(NAME)?.version).toBe(1);
  });

  it('refuses to write when the parameter changed since it was read (exit 2, theirs kept)', async () => {
    // Prepare: a concurrent flip lands between our read and our write
    let reads = 0;
    const theirs = JSON.stringify({ ...config, global_priority: '1' });
    await ssm.close();
    ssm = await startSsmServer({
      parameters: { [NAME]: compact },
      readThrough: () => (++reads >= 2 ? theirs : undefined),
    });
    // Act
    const result = await runCliInProcess(['flip', 'task', '31', '--target', 'ssm', '--no-probe', '--yes'], { env: ssmCliEnv() });
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/changed since it was read \(version 1 -> 2\); nothing written/);
    expect(ssm.get(NAME)?.value).toBe(theirs);
    expect(ssm.history(NAME)).toHaveLength(2);
  });

  it('reports (exit 2) a write that landed between our check and our put', async () => {
    // Prepare: the other write arrives with our PutParameter (the server's third look at the value)
    let looks = 0;
    const theirs = JSON.stringify({ ...config, global_priority: '1' });
    await ssm.close();
    ssm = await startSsmServer({ parameters: { [NAME]: compact }, readThrough: () => (++looks === 3 ? theirs : undefined) });
    // Act
    const result = await runCliInProcess(['flip', 'task', '31', '--target', 'ssm', '--no-probe', '--yes'], { env: ssmCliEnv() });
    // Assess: ours is version 3, theirs version 2, and the user is told to look
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/another write landed between our check and our put \(expected version 2, got 3\)/);
    expect(result.stderr).toMatch(/history --target ssm/);
    expect(ssm.history(NAME).map((v) => v.version)).toEqual([1, 2, 3]);
  });

  it('exits 2 with a one-line cause when SSM is down, writing nothing', async () => {
    ssm.mode = 'outage';
    const result = await runCliInProcess(['flip', 'task', '31', '--target', 'ssm', '--no-probe', '--yes'], { env: ssmCliEnv() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^hadoku-route: cannot read ssm \/hadoku-route\/route-config: /m);
    expect(result.stderr).toMatch(/AWS_ENDPOINT_URL_SSM/);
    ssm.mode = 'ok';
    expect(ssm.get(NAME)?.version).toBe(1);
  });

  it('exits 1 when the parameter does not exist, saying how to create it', async () => {
    const result = await runCliInProcess(['flip', 'task', '1', '--target', 'ssm', '--parameter', '/missing', '--yes'], {
      env: ssmCliEnv(),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ssm \/missing holds no config/);
    expect(result.stderr).toMatch(/push FILE --target ssm/);
  });

  it('exits 1 naming --stage and --parameter when no parameter is named', async () => {
    const env = ssmCliEnv();
    delete env.ROUTE_CONFIG_PARAMETER;
    const result = await runCliInProcess(['flip', 'task', '1', '--target', 'ssm'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'pass --stage NAME (parameter /hadoku-route/NAME/route-config), --parameter NAME, or set ROUTE_CONFIG_PARAMETER',
    );
  });

  it('exits 1 naming the variables when there are no credentials', async () => {
    const env = ssmCliEnv({ AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent' });
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    const result = await runCliInProcess(['show', '--target', 'ssm'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    expect(ssm.callCount()).toBe(0);
  });
});

describe('CLI: show / push / history / rollback --target ssm', () => {
  it('show prints the parameter version and orders', async () => {
    const result = await runCliInProcess(['show', '--target', 'ssm'], { env: ssmCliEnv() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ssm \/hadoku-route\/route-config: version 1, modified .*, \d+ bytes$/m);
    expect(result.stdout).toMatch(/^ {2}task +2 > 1 > 3$/m);
  });

  it('push uploads a file (creating the parameter) and shows the order diff', async () => {
    const dir = tempDir();
    writeFixture(dir, 'next.json', { ...config, global_priority: '3' });
    const created = await runCliInProcess(['push', 'next.json', '--target', 'ssm', '--parameter', '/new', '--yes'], {
      cwd: dir,
      env: ssmCliEnv(),
    });
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/ssm \/new \(empty\) <- /);
    expect(ssm.get('/new')?.version).toBe(1);
    const updated = await runCliInProcess(['push', 'next.json', '--target', 'ssm', '--yes'], { cwd: dir, env: ssmCliEnv() });
    expect(updated.code).toBe(0);
    expect(updated.stdout).toMatch(/^ {2}\* +2 > 1 {2}-> {2}3$/m);
    expect(ssm.get(NAME)?.version).toBe(2);
  });

  it('history lists every version with its orders; rollback re-puts an earlier one as a new version', async () => {
    // Prepare: versions 1 (task 213), 2 (task 31), 3 (task 3)
    await runCliInProcess(['flip', 'task', '31', '--target', 'ssm', '--no-probe', '--yes'], { env: ssmCliEnv() });
    await runCliInProcess(['flip', 'task', '3', '--target', 'ssm', '--no-probe', '--yes'], { env: ssmCliEnv() });
    // Act
    const history = await runCliInProcess(['history'], { env: ssmCliEnv() });
    // Assess
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/^version 1 {2}\d{4}-.*Z/m);
    expect(history.stdout).toMatch(/^version 3 .*\(current\)$/m);
    expect(history.stdout).toMatch(/^ {2}task 213, \* 21$/m);
    expect(history.stdout).toMatch(/^ {2}task 31, \* 21$/m);

    const back = await runCliInProcess(['rollback', '--yes'], { env: ssmCliEnv() });
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/version 3 -> value of version 2/);
    expect(back.stdout).toMatch(/^ {2}task +3 {2}-> {2}3 > 1$/m);
    expect(ssm.get(NAME)).toMatchObject({ version: 4, value: ssm.history(NAME)[1].value });

    const to1 = await runCliInProcess(['rollback', '--to', '1', '--dry-run'], { env: ssmCliEnv() });
    expect(to1.code).toBe(0);
    expect(to1.stdout).toContain('dry run: nothing written');
    expect(ssm.get(NAME)?.version).toBe(4);

    const missing = await runCliInProcess(['rollback', '--to', '99', '--yes'], { env: ssmCliEnv() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/has no version 99 \(kept: 1, 2, 3, 4\)/);
  });

  it('rollback refuses a version that is not a valid config', async () => {
    ssm.put(NAME, '{"providers": {"1": "ftp://x"}}');
    ssm.put(NAME, compact);
    const result = await runCliInProcess(['rollback', '--yes'], { env: ssmCliEnv() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/version 2 \(nothing written\): invalid config/);
    expect(ssm.get(NAME)?.version).toBe(3);
  });
});
