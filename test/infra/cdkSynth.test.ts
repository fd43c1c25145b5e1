import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_CONFIG, LOCAL_BASE, REPO_ROOT, tempConfig } from './stackFixture.ts';

const run = promisify(execFile);

/** Route texts of the demo apps (apps/task.ts, apps/watchparty.ts): proof they were bundled. */
const APP_MARKERS = ['/task/api/tasks', '/watchparty/api/parties'];

// About 5 s on an idle machine; a loaded 2-core runner has taken 50 s. The CLI's own timeout is
// the real bound; this only keeps vitest from giving up first.
const SYNTH_TIMEOUT_MS = 150_000;
const CDK = join(REPO_ROOT, 'node_modules', '.bin', 'cdk');

/**
 * The environment `cdk synth` gets: the offline switches of TOOLCHAIN.md and no AWS credentials
 * or profile at all, so the CLI has nothing to call STS or IMDS with.
 */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_') && !key.startsWith('CDK_')) env[key] = value;
  }
  return {
    ...env,
    // cdk.json's app runs `node`: the same Node 22 that runs the tests.
    PATH: [dirname(process.execPath), process.env.PATH].join(delimiter),
    CDK_DISABLE_VERSION_CHECK: '1',
    CDK_DISABLE_CLI_TELEMETRY: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'hadoku-no-aws-credentials'),
    AWS_CONFIG_FILE: join(tmpdir(), 'hadoku-no-aws-config'),
  };
}

describe('cdk synth (the installed aws-cdk CLI, offline)', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'hadoku-cdk-synth-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it(
    "writes the stage's template and the esbuild bundle of the handler, with the apps in it",
    async () => {
      // Act
      const started = performance.now();
      const { stderr } = await run(
        CDK,
        [
          'synth',
          '--quiet',
          '-o',
          outdir,
          '-c',
          'stage=prod',
          '-c',
          `config=${relative(REPO_ROOT, FIXTURE_CONFIG)}`,
          '-c',
          `LOCAL_BASE=${LOCAL_BASE}`,
        ],
        { cwd: REPO_ROOT, env: offlineEnv(), timeout: 120_000 },
      );
      const seconds = (performance.now() - started) / 1000;

      // Assess: the template, with the function's code pointing at a bundled asset directory.
      const templateFile = join(outdir, 'HadokuRoute-prod.template.json');
      expect(existsSync(templateFile), stderr).toBe(true);
      const template = JSON.parse(readFileSync(templateFile, 'utf8')) as {
        Resources: Record<string, { Type: string; Metadata?: Record<string, unknown> }>;
        Outputs: Record<string, unknown>;
      };
      const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
      expect(fn?.Metadata?.['aws:asset:is-bundled']).toBe(true);
      expect(Object.keys(template.Outputs).sort()).toEqual(['AlarmTopicArn', 'FunctionUrl', 'HealthParameterName', 'ParameterName']);
      // The shared-health schedule: one rule invoking the function every minute.
      expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::Events::Rule')).toHaveLength(1);

      const assetDir = join(outdir, String(fn?.Metadata?.['aws:asset:path']));
      const bundle = join(assetDir, 'index.mjs');
      expect(existsSync(bundle)).toBe(true);
      expect(existsSync(`${bundle}.map`)).toBe(true);
      const code = readFileSync(bundle, 'utf8');
      expect(code).toContain('handler');
      // The config baked in for a cold start without SSM is the one stored in the parameter.
      expect(code).toContain(Buffer.from(readFileSync(FIXTURE_CONFIG, 'utf8')).toString('base64'));
      // The demo apps of apps/index.ts travel in the bundle: their route texts are in the code.
      for (const marker of APP_MARKERS) expect(code, marker).toContain(marker);

      // Figures for the README and the report.
      console.info(
        `cdk synth: ${seconds.toFixed(1)} s; index.mjs ${(statSync(bundle).size / 1024).toFixed(1)} KiB, ` +
          `index.mjs.map ${(statSync(`${bundle}.map`).size / 1024).toFixed(1)} KiB`,
      );
      expect(stderr).not.toMatch(/AwsSolutions-/);
    },
    SYNTH_TIMEOUT_MS,
  );

  // Each bad input of the app: the context keys, and a config file that does not validate.
  const LOCAL = `LOCAL_BASE=${LOCAL_BASE}`;
  it.each<{ name: string; prepare: () => { context: string[]; line: string; details?: RegExp } }>([
    {
      name: '-c stage=Prod names the context key',
      prepare: () => ({
        context: ['-c', 'stage=Prod', '-c', LOCAL],
        line: 'hadoku-route: context "stage": expected 1-20 of a-z, 0-9 and "-", got "Prod"',
      }),
    },
    {
      name: '-c alarmEmail=ops names the context key',
      prepare: () => ({
        context: ['-c', 'alarmEmail=ops', '-c', LOCAL],
        line: 'hadoku-route: context "alarmEmail": expected an e-mail address, got "ops"',
      }),
    },
    {
      name: '-c secrets=NOPE names the context key',
      prepare: () => ({ context: ['-c', 'secrets=NOPE', '-c', LOCAL], line: 'hadoku-route: context "secrets": "NOPE" is not a ${VAR} of' }),
    },
    {
      name: 'an invalid config names the file and the field',
      prepare: () => {
        const file = tempConfig(JSON.stringify({ global_priority: '12', providers: { '1': 'https://a.example.com' } }));
        return {
          context: ['-c', `config=${file}`],
          line: `hadoku-route: ${file} is not a valid route config:`,
          details: /global_priority: .*"2"/,
        };
      },
    },
  ])(
    'fails with one line and no stack trace: $name',
    async ({ prepare }) => {
      // Prepare
      const { context, line, details } = prepare();

      // Act
      const failure = await run(CDK, ['synth', '--quiet', '-o', outdir, ...context], {
        cwd: REPO_ROOT,
        env: offlineEnv(),
        timeout: 120_000,
      }).then(
        () => undefined,
        (error: unknown) => error as { code: number; stderr: string },
      );

      // Assess: the app's own line; the CLI may add its generic exit line after it.
      expect(failure?.code).toBe(1);
      const first = failure?.stderr.split('\n').find((candidate) => candidate.startsWith('hadoku-route: '));
      expect(first, failure?.stderr).toContain(line);
      if (details) expect(failure?.stderr).toMatch(details);
      // The operator gets the reason, not a stack trace.
      expect(failure?.stderr).not.toMatch(/\n\s+at /);
    },
    SYNTH_TIMEOUT_MS,
  );
});
