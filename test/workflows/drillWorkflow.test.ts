import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouterProcess, type RouterProcess } from '../support/routerProcess.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';
import { createWorkspace, runStepScript, type Workspace } from './runStep.ts';
import { repoRoot, runScript } from './workflowFiles.ts';

// drill.yml's Drill and Judge steps run for real: the step's bash, the real CLI drill and a real
// local router in front of two upstreams. Only `npx` is a stand-in, first on PATH: draining for
// real would be `wrangler deploy`, so the stand-in records the command and drains upstream 1 the
// way ROUTE_DRAIN does (every routed request answers 503), entirely on 127.0.0.1.

const drillPresent = existsSync(join(repoRoot, 'infra', 'cli', 'commands', 'drill.ts'));

const FAKE_NPX = `#!/bin/sh
echo "$*" >> "$FAKE_NPX_LOG"
case "$*" in
  *ROUTE_DRAIN:true*) : > "$DRAIN_FLAG" ;;
  *ROUTE_DRAIN:false*) rm -f "$DRAIN_FLAG" ;;
esac
`;

describe.skipIf(!drillPresent)('Steps: drill.yml drill and judge, with the real CLI and a local router', () => {
  let workspace: Workspace;
  let primary: Upstream;
  let secondary: Upstream;
  let router: RouterProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    workspace = createWorkspace();
    const fakeNpx = workspace.write('bin/npx', FAKE_NPX);
    chmodSync(fakeNpx, 0o755);
    const drainFlag = join(workspace.dir, 'drained');
    primary = await startUpstream('primary');
    secondary = await startUpstream('secondary');
    // A drained deployment answers 503 to every routed request; with the "outage" flag the
    // fallback is down too, so requests are lost.
    const outageFlag = join(workspace.dir, 'outage');
    primary.set((request) =>
      existsSync(drainFlag) ? { status: 503, body: { error: 'draining' } } : { body: { upstream: 'primary', url: request.url } },
    );
    secondary.set((request) =>
      existsSync(drainFlag) && existsSync(outageFlag)
        ? { status: 503, body: { error: 'down' } }
        : { body: { upstream: 'secondary', url: request.url } },
    );
    router = await startRouterProcess({
      runtime: 'express',
      config: { global_priority: '12', routes: { task: { priority: '12' } }, providers: { '1': primary.url, '2': secondary.url } },
    });
    env = {
      OUTAGE_FLAG: outageFlag,
      PATH: `${join(workspace.dir, 'bin')}:${process.env.PATH ?? ''}`,
      FAKE_NPX_LOG: join(workspace.dir, 'npx.log'),
      DRAIN_FLAG: drainFlag,
      DRILL_DIR: join(workspace.dir, 'drill'),
      DISABLE: 'worker',
      ROUTER_URLS: router.baseUrl,
      PROVIDER_ID: '1',
      RATE: '10',
      DURATION: '6',
      // The job's values of the ${VAR}s in route-config.json (read by --config route-config.json).
      LOCAL_BASE: 'https://api.example.com',
      WORKER_BASE: 'https://worker.example.com',
      LAMBDA_BASE: 'https://example.lambda-url.eu-west-1.on.aws',
      WRANGLER_SEND_METRICS: 'false',
      DO_NOT_TRACK: '1',
    };
  }, 120_000);

  afterAll(async () => {
    await router?.stop();
    await primary?.close();
    await secondary?.close();
    workspace?.remove();
  });

  it('drains with the documented command, loses nothing, and the judge passes', { timeout: 90_000 }, async () => {
    // Prepare: never let a real `npx wrangler deploy` run.
    const resolved = spawnSync('sh', ['-c', 'command -v npx'], { env, encoding: 'utf8' }).stdout.trim();
    expect(resolved).toBe(join(workspace.dir, 'bin', 'npx'));

    // Act: the same router twice, so that the second, measuring-only drill (--manual) runs too.
    const twice = { ...env, ROUTER_URLS: `${router.baseUrl} ${router.baseUrl}` };
    const drilled = await runStepScript(runScript('drill.yml', 'drill', 'drill'), workspace, twice, repoRoot);
    const judged = await runStepScript(runScript('drill.yml', 'drill', 'judge'), workspace, twice, repoRoot);

    // Assess: the drill drained and restored through the workflow's exact commands...
    expect(drilled.status, drilled.stdout + drilled.stderr).toBe(0);
    expect(drilled.outputs.status, drilled.stderr).toBe('0');
    expect(readFileSync(env.FAKE_NPX_LOG, 'utf8').trim().split('\n')).toEqual([
      'wrangler deploy --var ROUTE_DRAIN:true',
      'wrangler deploy --var ROUTE_DRAIN:false',
    ]);
    // ...the router really fell over to provider 2 while 1 answered 503...
    expect(primary.requests.length).toBeGreaterThan(0);
    expect(secondary.requests.length).toBeGreaterThan(0);
    // ...and the judge read the real report.
    expect(judged.status, judged.stdout + judged.stderr).toBe(0);
    expect(judged.summary).toMatch(new RegExp(`\\| ${router.baseUrl} \\| \\d+ \\| 0 \\| 0 \\| (true|false) \\| 0 \\|`));
    const rows = judged.summary.split('\n').filter((line) => line.startsWith(`| ${router.baseUrl} |`));
    expect(rows).toHaveLength(2);
    for (const file of ['0.json', '1.json']) {
      const report = JSON.parse(readFileSync(join(env.DRILL_DIR, file), 'utf8')) as { sent: number; failed: number };
      expect(report.sent, file).toBeGreaterThan(0);
      expect(report.failed, file).toBe(0);
    }
    expect(readFileSync(join(env.DRILL_DIR, '1.rc'), 'utf8').trim()).toBe('0');
  });

  it('fails the job when the fallback is down too and requests are lost', { timeout: 90_000 }, async () => {
    // Prepare
    workspace.write('outage', '');
    const outEnv = { ...env, DRILL_DIR: join(workspace.dir, 'drill-outage'), FAKE_NPX_LOG: join(workspace.dir, 'npx-outage.log') };

    // Act
    const drilled = await runStepScript(runScript('drill.yml', 'drill', 'drill'), workspace, outEnv, repoRoot);
    const judged = await runStepScript(runScript('drill.yml', 'drill', 'judge'), workspace, outEnv, repoRoot);

    // Assess: the drill step hands on the drill's exit code (3: a GET failed); the judge fails.
    expect(drilled.status, drilled.stderr).toBe(0);
    expect(drilled.outputs.status).toBe('3');
    expect(judged.status).toBe(1);
    expect(judged.stdout).toMatch(new RegExp(`::error::\\d+ request\\(s\\) lost through ${router.baseUrl}`));
  });
});
