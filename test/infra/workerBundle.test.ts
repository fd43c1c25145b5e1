import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWorkerBundle } from '../../infra/hosts/workerBundle.ts';
import { REPO_ROOT } from './stackFixture.ts';

const run = promisify(execFile);
const WRANGLER = join(REPO_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const BAD_APPS = fileURLToPath(new URL('./fixtures/badApps.ts', import.meta.url));
/** Route texts of the demo apps (apps/task.ts, apps/watchparty.ts): proof they were bundled. */
const APP_MARKERS = ['/task/api/tasks', '/watchparty/api/parties'];
// A dry-run takes ~1.5 s idle; a loaded 2-core machine has taken 20 s.
const BUILD_TIMEOUT_MS = 120_000;

/** wrangler offline (TOOLCHAIN.md), running under the Node that runs the tests. */
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: [dirname(process.execPath), process.env.PATH].join(delimiter),
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  DO_NOT_TRACK: '1',
};

interface StageConfig {
  name: string;
  kv_namespaces: Array<{ binding: string; id: string }>;
  vars: Record<string, unknown>;
  build: { command?: string };
}

/** wrangler's own reading of wrangler.toml for one environment (what `--env` deploys). */
async function readStage(stage: string | undefined): Promise<StageConfig> {
  const { unstable_readConfig } = (await import('wrangler')) as unknown as {
    unstable_readConfig(args: { config: string; env?: string }): StageConfig;
  };
  return unstable_readConfig({ config: join(REPO_ROOT, 'wrangler.toml'), env: stage });
}

const scratch = mkdtempSync(join(tmpdir(), 'hadoku-worker-build-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('wrangler.toml stages', () => {
  it('deploys dev and prod as two Workers, each with its own KV namespace, both provider 2', async () => {
    // Act
    const [top, dev, prod] = await Promise.all([readStage(undefined), readStage('dev'), readStage('prod')]);

    // Assess: names and KV ids never shared, so both live in one account and zone.
    expect([dev.name, prod.name]).toEqual(['hadoku-route-dev', 'hadoku-route-prod']);
    const ids = [top, dev, prod].map((config) => config.kv_namespaces.find((ns) => ns.binding === 'SETTINGS')?.id);
    expect(new Set(ids).size).toBe(3);
    for (const stage of [dev, prod]) expect(stage.vars).toMatchObject({ ROUTE_SELF: '2', ROUTE_CONFIG_MAX_AGE: '10' });
    // The local config is not a stage: its Worker serves tests and `wrangler dev`.
    expect(top.vars).not.toHaveProperty('ROUTE_SELF');
  });
});

describe('Worker build (wrangler deploy --dry-run --env prod)', () => {
  it('bundles the router with the apps of apps/index.ts', { timeout: BUILD_TIMEOUT_MS }, async () => {
    // Act
    const outdir = join(scratch, 'prod');
    const { stdout, stderr } = await run(process.execPath, [WRANGLER, 'deploy', '--dry-run', '--env', 'prod', '--outdir', outdir], {
      cwd: REPO_ROOT,
      env,
      timeout: BUILD_TIMEOUT_MS,
    });
    const code = readFileSync(join(outdir, 'index.js'));

    // Assess
    expect(stdout + stderr).toContain('infra/bin/checkApps.ts');
    for (const marker of APP_MARKERS) expect(code.toString('utf8'), marker).toContain(marker);

    // Figures for the README and the report: with the apps, and the router alone (same esbuild
    // options both ways, only the registry stubbed), so the difference is what the apps add.
    const [withApps, routerOnly] = await Promise.all([esbuildWorker(false), esbuildWorker(true)]);
    const gz = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;
    console.info(
      `worker bundle (wrangler, prod): ${code.length} B, gzip -9 ${gz(code)} B; esbuild: router alone ${routerOnly.length} B ` +
        `(gzip -9 ${gz(routerOnly)} B), with the demo apps ${withApps.length} B (gzip -9 ${gz(withApps)} B)`,
    );
  });

  it('stops the build with one line naming a registry entry that is not an app name', { timeout: BUILD_TIMEOUT_MS }, async () => {
    // Prepare: exactly the command wrangler runs before bundling, pointed at a bad registry.
    const command = (await readStage('prod')).build.command ?? '';
    const [node, ...args] = command.split(' ');

    // Act
    const failure = await run(node === 'node' ? process.execPath : node!, [...args, BAD_APPS], {
      cwd: REPO_ROOT,
      env,
      timeout: BUILD_TIMEOUT_MS,
    }).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );

    // Assess
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim()).toBe(
      `hadoku-route: ${BAD_APPS}: app registry entry "Task": not a valid app name (lower-case letters, digits and "-", as in /<app>/api)`,
    );
  });
});

/** The Worker as `serve` and the figures bundle it (infra/hosts/workerBundle.ts), with or without the apps. */
async function esbuildWorker(withoutApps: boolean): Promise<Buffer> {
  return Buffer.from(await buildWorkerBundle({ withoutApps }), 'utf8');
}
