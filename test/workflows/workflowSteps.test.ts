import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkspace, runStepScript, type Workspace } from './runStep.ts';
import { loadWorkflow, runScript } from './workflowFiles.ts';

// The glue scripts of the workflows, run for real with bash as the runner runs them, on files
// shaped like what cdk, wrangler and `hadoku-route drill --json` leave behind.

let workspace: Workspace;
beforeEach(() => {
  workspace = createWorkspace();
});
afterEach(() => {
  workspace.remove();
});

describe('Step: ci.yml bundle sizes', () => {
  const script = runScript('ci.yml', 'test', 'bundle-sizes');

  it('lists the Worker bundle and every Lambda asset with raw and gzip sizes', async () => {
    // Prepare
    workspace.write('dist/worker/index.js', 'x'.repeat(1234));
    workspace.write('dist/worker/index.js.map', '{}');
    workspace.write('cdk.out/asset.abc123/index.mjs', 'export const a = 1;\n'.repeat(50));
    workspace.write('cdk.out/asset.abc123/node_modules/dep/index.js', 'ignored');
    workspace.write('cdk.out/HadokuRoute.template.json', '{}');

    // Act
    const result = await runStepScript(script, workspace);

    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.summary).toContain('### Bundle sizes');
    expect(result.summary).toMatch(/\| Worker \| `dist\/worker\/index\.js` \| 1234 \| \d+ \|/);
    expect(result.summary).toMatch(/\| Lambda \| `cdk\.out\/asset\.abc123\/index\.mjs` \| 1000 \| \d+ \|/);
    expect(result.summary).not.toContain('.map');
    expect(result.summary).not.toContain('node_modules');
  });

  it('fails when the Worker bundle is missing instead of reporting an empty table', async () => {
    // Prepare
    workspace.write('cdk.out/asset.abc123/index.mjs', 'x');
    workspace.write('dist/worker/.keep', '');

    // Act
    const result = await runStepScript(script, workspace);

    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('::error::no Worker bundle');
  });
});

describe('Step: deploy.yml Function URL', () => {
  const script = runScript('deploy.yml', 'lambda', 'stack-outputs');

  it('reads FunctionUrl from the cdk outputs file into the summary and the job output', async () => {
    // Prepare
    workspace.write(
      'cdk-outputs.json',
      JSON.stringify({ HadokuRoute: { FunctionUrl: 'https://abc.lambda-url.eu-west-1.on.aws/', ParameterName: '/hadoku/route-config' } }),
    );

    // Act
    const result = await runStepScript(script, workspace);

    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.outputs.function_url).toBe('https://abc.lambda-url.eu-west-1.on.aws/');
    expect(result.summary).toContain('Function URL: https://abc.lambda-url.eu-west-1.on.aws/');
    expect(result.summary).toContain('`/hadoku/route-config`');
  });

  it('fails when the stack has no FunctionUrl output', async () => {
    // Prepare
    workspace.write('cdk-outputs.json', JSON.stringify({ OtherStack: {} }));

    // Act
    const result = await runStepScript(script, workspace);

    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('::error::cdk-outputs.json has no FunctionUrl output');
  });
});

describe('Step: deploy.yml Worker URL', () => {
  const script = runScript('deploy.yml', 'worker', 'worker-outputs');

  it('takes the first https target of the deploy line of the wrangler output file', async () => {
    // Prepare
    const file = workspace.write(
      'wrangler-output.ndjson',
      [
        { version: 1, type: 'wrangler-session', wrangler_version: '4.164.0' },
        {
          version: 1,
          type: 'deploy',
          worker_name: 'hadoku-route',
          version_id: 'v-123',
          targets: ['hadoku.me/*', 'https://hadoku-route.acct.workers.dev'],
        },
      ]
        .map((line) => JSON.stringify(line))
        .join('\n'),
    );

    // Act
    const result = await runStepScript(script, workspace, { WRANGLER_OUTPUT_FILE_PATH: file });

    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.outputs.worker_url).toBe('https://hadoku-route.acct.workers.dev');
    expect(result.summary).toContain('Version: `v-123`');
  });

  it('still succeeds when the Worker only has routes', async () => {
    // Prepare
    const file = workspace.write('wrangler-output.ndjson', JSON.stringify({ type: 'deploy', version_id: 'v-9', targets: ['hadoku.me/*'] }));

    // Act
    const result = await runStepScript(script, workspace, { WRANGLER_OUTPUT_FILE_PATH: file });

    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.outputs.worker_url).toBe('');
    expect(result.summary).toContain('routes only');
  });
});

describe('Step: deploy.yml summary', () => {
  const script = runScript('deploy.yml', 'summary', 'report');

  it('says which deploy succeeded when the other failed, without failing itself', async () => {
    // Act
    const result = await runStepScript(script, workspace, {
      TESTS: 'success',
      LAMBDA: 'failure',
      WORKER: 'success',
      FUNCTION_URL: '',
      WORKER_URL: 'https://hadoku-route.acct.workers.dev',
    });

    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.summary).toContain('| Lambda (cdk deploy) | FAILED: the previous version keeps serving |');
    expect(result.summary).toContain('| Worker (wrangler deploy) | deployed | https://hadoku-route.acct.workers.dev |');
    expect(result.stdout).toContain('::warning::Lambda deploy failed');
    expect(result.stdout).not.toContain('Worker deploy failed');
  });

  it('reports both deployed', async () => {
    // Act
    const result = await runStepScript(script, workspace, {
      TESTS: 'success',
      LAMBDA: 'success',
      WORKER: 'success',
      FUNCTION_URL: 'https://abc.lambda-url.eu-west-1.on.aws/',
      WORKER_URL: 'https://w.workers.dev',
    });

    // Assess
    expect(result.status).toBe(0);
    expect(result.summary).toContain('Both deployments are up to date.');
  });

  it('reports skipped deploys after failed tests', async () => {
    // Act
    const result = await runStepScript(script, workspace, {
      TESTS: 'failure',
      LAMBDA: 'skipped',
      WORKER: 'skipped',
      FUNCTION_URL: '',
      WORKER_URL: '',
    });

    // Assess
    expect(result.status).toBe(0);
    expect(result.summary).toContain('| tests | failure | |');
    expect(result.summary).toContain('| Lambda (cdk deploy) | skipped (tests or config failed, or not touched / not requested) |');
  });
});

describe('Step: flip.yml input check', () => {
  const script = runScript('flip.yml', 'ssm', 'check-inputs');

  it.each([
    ['task', '213'],
    ['global', '21'],
    ['watch-party', 'a1'],
  ])('accepts app %s with priority %s', async (app, priority) => {
    // Act / Assess
    expect((await runStepScript(script, workspace, { APP: app, PRIORITY: priority })).status).toBe(0);
  });

  it.each([
    ['--dry-run', '1'],
    ['task', '--yes'],
    ['Task', '1'],
    ['task', '2 1'],
    ['task; rm -rf /', '1'],
    ['task', ''],
  ])('refuses app %j with priority %j before any credential is fetched', async (app, priority) => {
    // Act
    const result = await runStepScript(script, workspace, { APP: app, PRIORITY: priority });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('::error::');
  });

  it('checks the same way in both jobs', async () => {
    // Assess
    expect(runScript('flip.yml', 'kv', 'check-inputs')).toBe(script);
  });
});

describe('Step: drill.yml input check', () => {
  const script = runScript('drill.yml', 'drill', 'check-inputs');
  const valid = {
    STAGE: 'prod',
    GITHUB_REF: 'refs/heads/main',
    ROUTER_URLS: 'https://hadoku.me https://abc.lambda-url.eu-west-1.on.aws',
    PROVIDER_ID: '2',
    RATE: '20',
    DURATION: '600',
  };

  it('accepts a drill from main with every input in range', async () => {
    // Act / Assess
    expect((await runStepScript(script, workspace, valid)).status).toBe(0);
  });

  it.each([
    ['another branch', { GITHUB_REF: 'refs/heads/feature' }, 'run the drill from main'],
    ['a stage that is no stage name', { STAGE: 'Prod;rm' }, 'stage must match'],
    ['no router', { ROUTER_URLS: '' }, 'no router URL'],
    ['a router that is not a URL', { ROUTER_URLS: 'hadoku.me' }, 'not an http(s) URL'],
    ['a long provider id', { PROVIDER_ID: '23' }, 'provider_id must be one provider id'],
    ['a rate that is not a number', { RATE: 'fast' }, 'positive whole numbers'],
    ['a negative duration', { DURATION: '-5' }, 'positive whole numbers'],
  ])('refuses %s', async (_label, change, message) => {
    // Act
    const result = await runStepScript(script, workspace, { ...valid, ...change });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(message);
  });
});

describe('Step: drill.yml judge', () => {
  const script = runScript('drill.yml', 'drill', 'judge');

  /** Leaves what one finished drill leaves in DRILL_DIR (the driving one, index 0, has no log file). */
  const finishedDrill = (index: number, router: string, json: string, rc: number): void => {
    workspace.write(`drill/${index}.router`, `${router}\n`);
    workspace.write(`drill/${index}.json`, json);
    if (index > 0) workspace.write(`drill/${index}.log`, 'drill log line\n');
    workspace.write(`drill/${index}.rc`, `${rc}\n`);
  };
  const env = (): Record<string, string> => ({
    DRILL_DIR: `${workspace.dir}/drill`,
    STAGE: 'prod',
    DISABLE: 'worker',
    PROVIDER_ID: '2',
    DURATION: '1',
  });
  const report = (failed: number, failedGet: number) =>
    JSON.stringify({ sent: 4800, failed, failed_idempotent: failedGet, moved_back: true });

  it('passes when no request was lost through any router', async () => {
    // Prepare
    finishedDrill(0, 'https://hadoku.me', report(0, 0), 0);
    finishedDrill(1, 'https://abc.lambda-url.eu-west-1.on.aws', report(0, 0), 0);

    // Act
    const result = await runStepScript(script, workspace, env());

    // Assess
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.summary).toContain('Drained: the worker deployment of stage prod, provider 2.');
    expect(result.summary).toContain('| https://hadoku.me | 4800 | 0 | 0 | true | 0 |');
    expect(result.summary).toContain('| https://abc.lambda-url.eu-west-1.on.aws | 4800 | 0 | 0 | true | 0 |');
    expect(result.summary).toContain('"failed_idempotent": 0');
  });

  it('fails the job when a request was lost, a POST included', async () => {
    // Prepare
    finishedDrill(0, 'https://hadoku.me', report(1, 0), 0);
    finishedDrill(1, 'https://abc.lambda-url.eu-west-1.on.aws', report(0, 0), 0);

    // Act
    const result = await runStepScript(script, workspace, env());

    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('::error::1 request(s) lost through https://hadoku.me');
    expect(result.summary).toContain('| https://hadoku.me | 4800 | 1 | 0 | true | 0 |');
  });

  it.each([
    ['no JSON at all', 'Error: connect ECONNREFUSED', 1],
    ['JSON without failed', JSON.stringify({ sent: 10 }), 0],
    ['failed that is not a count', JSON.stringify({ failed: 'none' }), 0],
  ])('fails when a drill printed %s', async (_label, json, rc) => {
    // Prepare
    finishedDrill(0, 'https://hadoku.me', report(0, 0), 0);
    finishedDrill(1, 'https://abc.lambda-url.eu-west-1.on.aws', json, rc);

    // Act
    const result = await runStepScript(script, workspace, env());

    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('printed no JSON with a numeric "failed"');
    expect(result.stdout).toContain('drill log line');
    expect(result.summary).toContain(`| https://abc.lambda-url.eu-west-1.on.aws | ? | ? | ? | ? | ${rc} |`);
  });

  it('fails when the drill itself failed even with no lost request (4: drain or restore failed)', async () => {
    // Prepare
    finishedDrill(0, 'https://hadoku.me', report(0, 0), 4);

    // Act
    const result = await runStepScript(script, workspace, env());

    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('::error::drill against https://hadoku.me exited 4');
  });
});

describe('Step: drill.yml drill', () => {
  const drill = runScript('drill.yml', 'drill', 'drill');
  const judge = runScript('drill.yml', 'drill', 'judge');

  it('records an exit code for every router even when the drill command fails, so the judge fails fast', async () => {
    // Prepare: a workspace without bin/hadoku-route.js, so every `node` exits 1 at once.
    const env = {
      DRILL_DIR: `${workspace.dir}/drill`,
      DISABLE: 'worker',
      ROUTER_URLS: 'https://hadoku.me https://abc.lambda-url.eu-west-1.on.aws',
      PROVIDER_ID: '2',
      RATE: '1',
      DURATION: '3',
    };

    // Act
    const drilled = await runStepScript(drill, workspace, env);
    const judged = await runStepScript(judge, workspace, env);

    // Assess: the step itself succeeds and hands the status on; the judge fails.
    expect(drilled.status, drilled.stderr).toBe(0);
    expect(drilled.outputs.status).toBe('1');
    expect(drilled.stderr).toContain('Cannot find module');
    expect(judged.status).toBe(1);
    expect(judged.stdout).toContain('drill against https://hadoku.me printed no JSON with a numeric "failed" (exit 1)');
    expect(judged.stdout).toContain('drill against https://abc.lambda-url.eu-west-1.on.aws printed no JSON');
  });
});

describe('Step: deploy.yml stage check', () => {
  it.each([
    ['lambda', 'dev', 0],
    ['worker', 'prod', 0],
    ['lambda', 'Prod', 1],
    ['worker', '', 1],
    ['lambda', 'prod --force', 1],
    ['worker', 'a'.repeat(21), 1],
  ])('%s job with stage "%s" exits %i', async (job, stage, status) => {
    // Act
    const result = await runStepScript(runScript('deploy.yml', job, 'check-stage'), workspace, { STAGE: stage });

    // Assess
    expect(result.status).toBe(status);
    if (status === 1) expect(result.stdout).toContain('::error::stage must match');
  });
});

describe('Step: deploy.yml same config as validated', () => {
  const script = runScript('deploy.yml', 'lambda', 'same-config');
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  it.each([
    ['the file the config job validated', '{"a":1}\n', sha256('{"a":1}\n'), 0],
    ['another file (a different checkout)', '{"a":2}\n', sha256('{"a":1}\n'), 1],
    ['no hash from the config job', '{"a":1}\n', '', 1],
  ])('%s: exit %i', async (_label, text, validated, status) => {
    // Prepare
    workspace.write('route-config.json', text);

    // Act
    const result = await runStepScript(script, workspace, { VALIDATED_SHA256: validated });

    // Assess
    expect(result.status, result.stderr).toBe(status);
    if (status === 1) expect(result.stdout).toContain('::error::route-config.json (sha256 ');
  });
});

describe('Step: ci.yml path filter', () => {
  const script = runScript('ci.yml', 'changes', 'diff');

  /** A git repository with one commit holding `files`, then one touching `changed`; returns both SHAs. */
  function pushOf(changed: string[]): { BEFORE: string; AFTER: string } {
    const git = (...args: string[]) => {
      const result = spawnSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], {
        cwd: workspace.dir,
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(result.stderr);
      return result.stdout.trim();
    };
    git('init', '-q', '-b', 'main');
    workspace.write('README.md', 'start\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'start');
    const before = git('rev-parse', 'HEAD');
    for (const file of changed) workspace.write(file, `changed ${file}\n`);
    git('add', '-A');
    git('commit', '-q', '-m', 'change');
    return { BEFORE: before, AFTER: git('rev-parse', 'HEAD') };
  }

  it.each([
    [['README.md'], 'none'],
    [['test/infra/stages.test.ts', 'README.md'], 'none'],
    [['functions/worker/createWorker.ts'], 'worker'],
    [['wrangler.toml'], 'worker'],
    [['functions/lambda/handler.ts'], 'lambda'],
    [['infra/lib/routerStack.ts', 'cdk.json'], 'lambda'],
    [['functions/lambda/handler.ts', 'wrangler.toml'], 'both'],
    [['shared/router.ts'], 'both'],
    [['apps/task.ts'], 'both'],
    [['package-lock.json'], 'both'],
    [['.github/workflows/deploy.yml'], 'both'],
    [['.github/workflows/flip.yml'], 'none'],
  ])('a push touching %j deploys %s', async (changed, target) => {
    // Prepare
    const push = pushOf(changed);

    // Act
    const result = await runStepScript(script, workspace, push);

    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.outputs.target).toBe(target);
  });

  it('deploys both when the push has no usable "before" (new branch, force push)', async () => {
    // Prepare
    const { AFTER } = pushOf(['README.md']);

    // Act
    const result = await runStepScript(script, workspace, { BEFORE: '0000000000000000000000000000000000000000', AFTER });

    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.outputs.target).toBe('both');
  });
});

describe('Step: deploy.yml cdk deploy', () => {
  const step = loadWorkflow('deploy.yml').doc.jobs.lambda.steps?.find((candidate) => candidate.name === 'cdk deploy');

  /** Runs the step with `npx` replaced by a recorder first on PATH; returns the arguments it got. */
  async function deployArgs(env: Record<string, string>): Promise<string[]> {
    chmodSync(workspace.write('bin/npx', '#!/bin/sh\nfor arg in "$@"; do echo "$arg"; done > "$NPX_ARGS"\n'), 0o755);
    const argsFile = join(workspace.dir, 'npx-args.txt');
    const result = await runStepScript(step?.run ?? 'exit 9', workspace, {
      ...env,
      NPX_ARGS: argsFile,
      PATH: `${join(workspace.dir, 'bin')}:${process.env.PATH ?? ''}`,
    });
    expect(result.status, result.stderr).toBe(0);
    return readFileSync(argsFile, 'utf8').trim().split('\n');
  }

  it('deploys the stage stack with the stage in context, and no alarmEmail when none is set', async () => {
    expect(await deployArgs({ STAGE: 'prod', ALARM_EMAIL: '' })).toEqual([
      'cdk',
      'deploy',
      'HadokuRoute-prod',
      '-c',
      'stage=prod',
      '--require-approval',
      'never',
      '--outputs-file',
      'cdk-outputs.json',
    ]);
  });

  it('subscribes ALARM_EMAIL (the environment variable) as one context argument', async () => {
    expect(await deployArgs({ STAGE: 'dev', ALARM_EMAIL: 'ops@example.com' })).toEqual([
      'cdk',
      'deploy',
      'HadokuRoute-dev',
      '-c',
      'stage=dev',
      '-c',
      'alarmEmail=ops@example.com',
      '--require-approval',
      'never',
      '--outputs-file',
      'cdk-outputs.json',
    ]);
  });
});
