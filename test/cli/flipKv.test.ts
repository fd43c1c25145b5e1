import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, runCli, tempDir, writeFixture } from './cliProcess.ts';

// Each wrangler call takes ~1.3 s here: these tests keep to a few calls each.
const config = {
  global_priority: '21',
  routes: { task: { priority: '213' } },
  providers: { '1': '${LOCAL_BASE}', '2': 'https://worker.example.com', '3': 'https://abc.lambda-url.eu-west-1.on.aws' },
};

describe("CLI: --target kv --local (wrangler's local KV)", () => {
  it('push creates the key, flip changes it, show reads it back', async () => {
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
    // About ten wrangler calls at 1-6 s each on a busy machine: more than the default 30 s.
  }, 180_000);

  it('exits 1 saying how to put a config there when the key is missing', async () => {
    const dir = tempDir();
    const result = await runCli(['flip', 'task', '1', '--target', 'kv', '--local', '--persist-to', join(dir, 'state')], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/holds no config[\s\S]*push FILE --target kv/);
  });

  it('exits 1 naming the binding when wrangler.toml has no SETTINGS namespace', async () => {
    const dir = tempDir();
    writeFixture(dir, 'wrangler.toml', 'name = "x"\nmain = "index.js"\ncompatibility_date = "2026-11-01"\n');
    const result = await runCli(['show', '--target', 'kv', '--local', '--persist-to', join(dir, 'state')], {
      cwd: dir,
      env: cliEnv(),
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^hadoku-route: cannot reach kv SETTINGS\/route-config .*: No KV namespace/m);
    expect(result.stderr).toMatch(/add a \[\[kv_namespaces\]\] binding "SETTINGS"/);
  });
});
