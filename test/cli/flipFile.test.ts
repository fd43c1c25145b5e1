import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, runCliInProcess, tempDir, writeFixture } from './cliProcess.ts';

const config = {
  global_priority: '21',
  routes: { task: { priority: '213', cache: false }, watchparty: { priority: '1' } },
  providers: { '1': '${LOCAL_BASE}', '2': 'https://worker.example.com', '3': 'https://abc.lambda-url.eu-west-1.on.aws' },
};
const env = cliEnv({ LOCAL_BASE: 'http://127.0.0.1:4001' });
// Flips that write use --no-probe: these providers do not answer (and two are not on loopback);
// the probe itself is covered by flipGuard.test.ts.

function setup(content: unknown = config): { dir: string; file: string } {
  const dir = tempDir();
  return { dir, file: writeFixture(dir, 'route-config.json', content) };
}

describe('CLI: flip --target file', () => {
  it('changes one app, prints before and after, writes 2-space JSON with a trailing newline', async () => {
    // Prepare
    const { dir, file } = setup();
    // Act
    const result = await runCliInProcess(['flip', 'task', '12', '--no-probe'], { cwd: dir, env });
    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/routes\.task\.priority -> "12"/);
    expect(result.stdout).toMatch(/^ {2}task +2 > 1 > 3 {2}-> {2}1 > 2$/m);
    expect(result.stdout).toMatch(/^ {2}watchparty +1 {2}\(unchanged\)$/m);
    expect(result.stdout).toMatch(/^wrote file .*route-config\.json \(version [0-9a-f]+\)$/m);
    const text = readFileSync(file, 'utf8');
    const expected = structuredClone(config);
    expected.routes.task.priority = '12';
    expect(text).toBe(`${JSON.stringify(expected, null, 2)}\n`);
    // Atomic write: no temp file left behind
    expect(readdirSync(dir)).toEqual(['route-config.json']);
  });

  it('flips global_priority', async () => {
    const { dir, file } = setup();
    const result = await runCliInProcess(['flip', 'global', '3', '--no-probe'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}\* +2 > 1 {2}-> {2}3$/m);
    expect(JSON.parse(readFileSync(file, 'utf8')).global_priority).toBe('3');
  });

  it.each([
    { priority: '17', reason: /routes\.task\.priority: unknown provider id "7" in "17" \(known: 1, 2, 3\)/ },
    { priority: '11', reason: /routes\.task\.priority: provider id "1" appears twice in "11"/ },
    { priority: '1x', reason: /routes\.task\.priority: unknown provider id "x"/ },
  ])('refuses $priority with the reason and writes nothing', async ({ priority, reason }) => {
    const { dir, file } = setup();
    const before = readFileSync(file, 'utf8');
    const mtime = statSync(file).mtimeMs;
    const result = await runCliInProcess(['flip', 'task', priority], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/refused \(nothing written\): invalid config/);
    expect(result.stderr).toMatch(reason);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(readdirSync(dir)).toEqual(['route-config.json']);
  });

  it('creates a route only with --create', async () => {
    const { dir, file } = setup();
    const refused = await runCliInProcess(['flip', 'newapp', '3'], { cwd: dir, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/app 'newapp' has no route \(apps: task, watchparty\); add --create/);
    const created = await runCliInProcess(['flip', 'newapp', '3', '--create', '--no-probe'], { cwd: dir, env });
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^ {2}newapp +\(new\) {2}-> {2}3$/m);
    expect(JSON.parse(readFileSync(file, 'utf8')).routes.newapp).toEqual({ priority: '3' });
  });

  it('--dry-run prints the change and writes nothing', async () => {
    const { dir, file } = setup();
    const before = readFileSync(file, 'utf8');
    const result = await runCliInProcess(['flip', 'task', '3', '--dry-run', '--no-probe'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/task +2 > 1 > 3 {2}-> {2}3/);
    expect(result.stdout).toContain('dry run: nothing written');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('says so and writes nothing when the priority is already set', async () => {
    const { dir, file } = setup(`${JSON.stringify(config, null, 2)}\n`);
    const mtime = statSync(file).mtimeMs;
    const result = await runCliInProcess(['flip', 'task', '213'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('already so: nothing written');
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('checks ${VAR} it cannot resolve with a placeholder, and says so', async () => {
    const { dir } = setup();
    const result = await runCliInProcess(['flip', 'task', '21', '--no-probe'], { cwd: dir, env: cliEnv() });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/note: \$\{LOCAL_BASE\} not set here; checked with a placeholder/);
  });

  it.each([
    { args: ['flip', 'task'], stderr: /needs <app\|global> and <priority>/ },
    { args: ['flip', 'Bad_App', '1'], stderr: /'Bad_App' is not an app name/ },
    { args: ['flip', 'task', '1', '--target', 'nfs'], stderr: /--target must be one of file, ssm, kv/ },
    { args: ['flip', 'task', '1', '--parameter', '/x'], stderr: /--parameter only applies to --target ssm/ },
    { args: ['flip', 'task', '1', '--config', 'missing.json'], stderr: /holds no config[\s\S]*push FILE --target file/ },
  ])('exits 1 on $args', async ({ args, stderr }) => {
    const { dir } = setup();
    const result = await runCliInProcess(args, { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(stderr);
  });

  it('exits 1 and writes nothing when the stored file is not JSON', async () => {
    const { dir, file } = setup('{"providers": ');
    const result = await runCliInProcess(['flip', 'task', '1'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not valid JSON/);
    expect(readFileSync(file, 'utf8')).toBe('{"providers": ');
  });
});

describe('CLI: show / push --target file', () => {
  it('show prints version, providers as stored and each app order', async () => {
    const { dir } = setup();
    const result = await runCliInProcess(['show'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^file .*route-config\.json: version [0-9a-f]{16}, modified .*Z, \d+ bytes$/m);
    // As stored, never the substituted value (it may be a secret)
    expect(result.stdout).toMatch(/^ {2}1 {2}\$\{LOCAL_BASE\} {2}\(set here\)$/m);
    expect(result.stdout).not.toContain('127.0.0.1:4001');
    expect(result.stdout).toMatch(/^ {2}task +2 > 1 > 3$/m);
  });

  it('show --raw prints the stored text, and refuses to be combined with --json', async () => {
    const { dir, file } = setup();
    const result = await runCliInProcess(['show', '--raw'], { cwd: dir, env });
    expect(result.stdout).toBe(readFileSync(file, 'utf8'));
    const both = await runCliInProcess(['show', '--raw', '--json'], { cwd: dir, env });
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/--json and --raw are two different outputs/);
  });

  it('push validates, shows the order changes and writes the file whole', async () => {
    const { dir, file } = setup();
    const next = writeFixture(dir, 'next.json', { ...config, global_priority: '3' });
    const result = await runCliInProcess(['push', 'next.json'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}\* +2 > 1 {2}-> {2}3$/m);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(next, 'utf8'));
  });

  it('push creates a file that does not exist yet', async () => {
    const dir = tempDir();
    writeFixture(dir, 'src.json', config);
    const result = await runCliInProcess(['push', 'src.json', '--config', 'new.json'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\(empty\) <- /);
    expect(result.stdout).toMatch(/^ {2}task +\(new\) {2}-> {2}2 > 1 > 3$/m);
    expect(readFileSync(join(dir, 'new.json'), 'utf8')).toBe(readFileSync(join(dir, 'src.json'), 'utf8'));
  });

  it('push refuses an invalid file, listing every error, and writes nothing', async () => {
    const { dir, file } = setup();
    const before = readFileSync(file, 'utf8');
    writeFixture(dir, 'bad.json', { global_priority: '9', providers: { '1': 'nope' } });
    const result = await runCliInProcess(['push', 'bad.json'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/global_priority: unknown provider id "9"/);
    expect(result.stderr).toMatch(/providers\.1: /);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('history and rollback only take --target ssm', async () => {
    const result = await runCliInProcess(['history', '--target', 'file']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--target must be one of ssm/);
  });
});
