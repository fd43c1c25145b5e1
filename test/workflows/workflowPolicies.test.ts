import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  environmentOf,
  expressionsIn,
  loadWorkflow,
  loadWorkflows,
  needsOf,
  referencesIn,
  repoRoot,
  type Workflow,
  type WorkflowJob,
  type WorkflowStep,
} from './workflowFiles.ts';

/** Secrets and variables the README's "Deploy from CI" section tells the user to create. */
const DOCUMENTED_SECRETS = ['AWS_DEPLOY_ROLE_ARN', 'CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_ACCOUNT_ID', 'DRILL_ROUTER_URLS'];
const DOCUMENTED_VARS = ['AWS_REGION', 'ROUTE_CONFIG_PARAMETER', 'LOCAL_BASE', 'WORKER_BASE', 'LAMBDA_BASE', 'ALARM_EMAIL'];

/** The stage-aware Lambda drain commands drill.yml runs (STAGE is the job's checked input). */
const LAMBDA_DRAIN = {
  disable: 'npx cdk deploy "HadokuRoute-$STAGE" --require-approval never -c "stage=$STAGE" -c drain=true',
  enable: 'npx cdk deploy "HadokuRoute-$STAGE" --require-approval never -c "stage=$STAGE" -c drain=false',
};

const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  CDK_DISABLE_VERSION_CHECK: '1',
  CDK_DISABLE_CLI_TELEMETRY: '1',
  AWS_EC2_METADATA_DISABLED: 'true',
};

const workflows = loadWorkflows();
const ci = loadWorkflow('ci.yml');
const deploy = loadWorkflow('deploy.yml');
const flip = loadWorkflow('flip.yml');
const drill = loadWorkflow('drill.yml');

const runs = (job: WorkflowJob): string[] => (job.steps ?? []).flatMap((step) => (typeof step.run === 'string' ? [step.run] : []));
const awsCredentialSteps = (job: WorkflowJob): WorkflowStep[] =>
  (job.steps ?? []).filter((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
const dispatchInputs = (workflow: Workflow): Record<string, { type?: string; options?: string[] }> => {
  const on = workflow.doc.on as Record<string, { inputs?: Record<string, { type?: string; options?: string[] }> } | null>;
  return on.workflow_dispatch?.inputs ?? {};
};

describe('Workflow: ci.yml', () => {
  const job = ci.doc.jobs.test;
  const script = runs(job).join('\n');

  it('runs on pull requests and on pushes to main only: a commit is tested once, not once per event', () => {
    // Assess
    expect(Object.keys(ci.doc.on as object).sort()).toEqual(['pull_request', 'push']);
    expect((ci.doc.on as Record<string, unknown>).push).toEqual({ branches: ['main'] });
  });

  it('sets up the Node major the Lambda runs (nodejs24.x, bundle target node24), with the npm cache', () => {
    // Prepare
    const construct = readFileSync(join(repoRoot, 'infra', 'lib', 'routerFunction.ts'), 'utf8');
    const bundling = readFileSync(join(repoRoot, 'functions', 'lambda', 'bundling.ts'), 'utf8');

    // Act
    const setups = workflows.flatMap((workflow) =>
      Object.values(workflow.doc.jobs).flatMap((each) => (each.steps ?? []).filter((step) => step.uses?.startsWith('actions/setup-node@'))),
    );

    // Assess
    expect(construct).toContain('lambda.Runtime.NODEJS_24_X');
    expect(bundling).toContain("target: 'node24'");
    expect(setups.length).toBeGreaterThan(0);
    for (const setup of setups) expect(setup.with).toMatchObject({ 'node-version': 24, cache: 'npm' });
  });

  it('cancels superseded pull request runs, never a run on main (it may be deploying) nor a queued one', () => {
    expect(ci.doc.concurrency).toEqual({
      group: "ci-${{ github.event_name == 'pull_request' && github.ref || github.sha }}",
      'cancel-in-progress': "${{ github.event_name == 'pull_request' }}",
    });
  });

  it('deploys dev after a push to main, through deploy.yml, only what the push touched, after the tests', () => {
    // Prepare
    const deployJob = ci.doc.jobs.deploy as WorkflowJob & { uses?: string; with?: Record<string, unknown>; secrets?: unknown };

    // Assess
    expect(deployJob.uses).toBe('./.github/workflows/deploy.yml');
    expect(needsOf(deployJob).sort()).toEqual(['changes', 'test']);
    expect(deployJob.if).toContain("needs.changes.outputs.target != 'none'");
    expect(deployJob.with).toEqual({ stage: 'dev', target: '${{ needs.changes.outputs.target }}' });
    expect(deployJob.secrets).toBe('inherit');
  });

  it('installs, tests, synthesises and bundles, in that order', () => {
    // Act
    const order = [
      'npm ci',
      'npm test',
      'npx cdk synth',
      'npx wrangler deploy --dry-run --env dev --outdir dist/worker',
      'GITHUB_STEP_SUMMARY',
    ].map((needle) => script.indexOf(needle));

    // Assess
    expect(
      order.every((index) => index >= 0),
      String(order),
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('keeps wrangler and the cdk CLI offline and holds no credentials of its own', () => {
    // Assess: the deploy job hands the repository's secrets to deploy.yml, which names them.
    expect(ci.doc.env).toMatchObject(OFFLINE_ENV);
    expect(ci.text).not.toMatch(/secrets\./);
    expect(ci.doc.permissions).toEqual({ contents: 'read' });
  });
});

describe('Workflow: deploy.yml', () => {
  const { jobs } = deploy.doc;

  it('is called by ci.yml with a stage, or started by hand for a stage; never on a push of its own', () => {
    // Assess: its own push trigger would run the tests a second time for the same commit.
    expect(Object.keys(deploy.doc.on as object).sort()).toEqual(['workflow_call', 'workflow_dispatch']);
    expect(dispatchInputs(deploy).stage).toMatchObject({ type: 'choice', options: ['dev', 'prod'] });
    const called = (deploy.doc.on as Record<string, { inputs: Record<string, { required?: boolean }> }>).workflow_call;
    expect(called.inputs.stage).toMatchObject({ required: true });
  });

  it("deploys only after tests (its own when started by hand, the caller's when called) and the one validation of the config", () => {
    // Assess
    expect(runs(jobs.test)).toEqual(expect.arrayContaining(['npm ci', 'npm test']));
    expect(jobs.test.if).toBe("github.event_name == 'workflow_dispatch'");
    expect(needsOf(jobs.config)).toEqual(['test']);
    expect(jobs.config.if).toContain("(needs.test.result == 'success' || needs.test.result == 'skipped')");
    expect(needsOf(jobs.lambda)).toEqual(['test', 'config']);
    expect(needsOf(jobs.worker)).toEqual(['test', 'config']);
    for (const job of [jobs.lambda, jobs.worker]) expect(job.if).toContain("needs.config.result == 'success'");
  });

  it('validates route-config.json once and both deploy jobs store those very bytes (SSM by cdk deploy, KV by push)', () => {
    // Prepare
    const validate = jobs.config.steps?.find((step) => step.id === 'validate');
    const checks = [jobs.lambda, jobs.worker].map((job) =>
      (job.steps ?? []).find((step) => step.env?.VALIDATED_SHA256 === '${{ needs.config.outputs.sha256 }}'),
    );

    // Assess
    expect(validate?.run).toContain('node bin/hadoku-route.js validate route-config.json');
    expect(jobs.config.outputs).toEqual({ sha256: '${{ steps.validate.outputs.sha256 }}' });
    for (const check of checks) expect(check?.run).toContain('if [ "$sha256" != "$VALIDATED_SHA256" ]; then');
    // The Lambda job checks before cdk deploy; the Worker job pushes into the stage's KV after wrangler deploy.
    const lambdaSteps = (jobs.lambda.steps ?? []).map((step) => step.id ?? step.name);
    expect(lambdaSteps.indexOf('same-config')).toBeLessThan(lambdaSteps.indexOf('cdk deploy'));
    const kv = jobs.worker.steps?.find((step) => step.id === 'kv-config');
    expect(kv?.run).toContain('node bin/hadoku-route.js push route-config.json --target kv --stage "$STAGE" --yes');
    expect(kv?.env).toMatchObject({ CLOUDFLARE_API_TOKEN: '${{ secrets.CLOUDFLARE_API_TOKEN }}' });
  });

  it('keeps the two deploys independent: neither waits for the other, so one failing never stops the other', () => {
    // Assess
    expect(needsOf(jobs.lambda)).not.toContain('worker');
    expect(needsOf(jobs.worker)).not.toContain('lambda');
    // A status function in `if` would re-couple them (e.g. `if: needs.worker.result == 'success'`).
    for (const job of [jobs.lambda, jobs.worker]) expect(job.if ?? '').not.toMatch(/needs\.(lambda|worker)/);
  });

  it('never runs two deploys of one stage at once, and never cancels one half-way', () => {
    // Assess
    expect(deploy.doc.concurrency).toEqual({ group: 'hadoku-route-${{ inputs.stage }}', 'cancel-in-progress': false });
  });

  it('deploys the Lambda with cdk deploy and AWS credentials from OIDC', () => {
    // Prepare
    const lambda = jobs.lambda;
    const [credentials] = awsCredentialSteps(lambda);

    // Assess
    expect(lambda.permissions).toMatchObject({ 'id-token': 'write' });
    expect(credentials?.with).toMatchObject({ 'role-to-assume': '${{ secrets.AWS_DEPLOY_ROLE_ARN }}' });
    expect(runs(lambda).join('\n')).toContain(
      'npx cdk deploy "HadokuRoute-$STAGE" -c "stage=$STAGE" "${alarm[@]}" --require-approval never --outputs-file cdk-outputs.json',
    );
    expect(environmentOf(lambda)).toBe('aws-${{ inputs.stage }}');
  });

  it('writes the Function URL to the job summary and the environment', () => {
    // Prepare
    const lambda = jobs.lambda;

    // Assess
    expect(runs(lambda).join('\n')).toMatch(/FunctionUrl[\s\S]*GITHUB_STEP_SUMMARY/);
    expect(lambda.environment).toMatchObject({ url: '${{ steps.stack-outputs.outputs.function_url }}' });
  });

  it('deploys the Worker with wrangler deploy and the Cloudflare secrets', () => {
    // Prepare
    const worker = jobs.worker;
    const step = worker.steps?.find((candidate) => candidate.run === 'npx wrangler deploy --env "$STAGE"');

    // Assess
    expect(step?.env).toMatchObject({
      CLOUDFLARE_API_TOKEN: '${{ secrets.CLOUDFLARE_API_TOKEN }}',
      CLOUDFLARE_ACCOUNT_ID: '${{ secrets.CLOUDFLARE_ACCOUNT_ID }}',
    });
    expect(environmentOf(worker)).toBe('cloudflare-${{ inputs.stage }}');
  });

  it('always ends with a summary of which deploy succeeded', () => {
    // Prepare
    const summary = jobs.summary;

    // Assess
    expect(summary.if).toBe('always()');
    expect(needsOf(summary)).toEqual(expect.arrayContaining(['lambda', 'worker']));
    expect(runs(summary).join('\n')).toContain('GITHUB_STEP_SUMMARY');
  });
});

describe('Workflow: flip.yml', () => {
  const inputs = dispatchInputs(flip);

  it('is started by hand with app, priority and target ssm|kv|both', () => {
    // Assess
    expect(Object.keys(flip.doc.on as object)).toEqual(['workflow_dispatch']);
    expect(Object.keys(inputs)).toEqual(expect.arrayContaining(['app', 'priority', 'target']));
    expect(inputs.target).toMatchObject({ type: 'choice' });
    expect([...(inputs.target.options ?? [])].sort()).toEqual(['both', 'kv', 'ssm']);
  });

  it.each([
    ['ssm', "inputs.target == 'ssm' || inputs.target == 'both'"],
    ['kv', "inputs.target == 'kv' || inputs.target == 'both'"],
  ])('flips in %s when that store or both are chosen', (target, condition) => {
    // Prepare
    const job = flip.doc.jobs[target];

    // Assess
    expect(job.if).toBe(condition);
    expect(runs(job).join('\n')).toContain(`node bin/hadoku-route.js flip "$APP" "$PRIORITY" --target ${target} --yes`);
  });

  it('passes --force only when the boolean force input is true', () => {
    // Assess
    expect(inputs.force).toMatchObject({ type: 'boolean', default: false });
    expect(flip.doc.env?.FORCE).toBe('${{ inputs.force }}');
    for (const target of ['ssm', 'kv']) {
      const script = runs(flip.doc.jobs[target]).join('\n');
      expect(script).toContain('if [ "$FORCE" = true ]; then flags+=(--force); fi');
      expect(script).toContain('--yes "${flags[@]}"');
    }
  });

  it('serialises flips: each is a read-change-write', () => {
    // Assess
    expect(flip.doc.concurrency).toMatchObject({ 'cancel-in-progress': false });
  });
});

describe('Workflow: drill.yml', () => {
  const job = drill.doc.jobs.drill;
  const step = (id: string): WorkflowStep | undefined => job.steps?.find((candidate) => candidate.id === id);
  const drillRun = step('drill')?.run ?? '';

  it('runs hadoku-route drill --json against the routers', () => {
    // Assess
    expect(drillRun).toMatch(/node bin\/hadoku-route\.js drill --router "\$\{routers\[0\]\}" [^\n]*--json/);
    expect(drillRun).toMatch(/node bin\/hadoku-route\.js drill --router "\$router" [^\n]*--json --manual/);
  });

  it('drains and restores with the documented commands', () => {
    // Assess
    expect(drillRun).toContain("--disable-cmd 'npx wrangler deploy --var ROUTE_DRAIN:true'");
    expect(drillRun).toContain("--enable-cmd 'npx wrangler deploy --var ROUTE_DRAIN:false'");
    expect(drillRun).toContain(`--disable-cmd '${LAMBDA_DRAIN.disable}'`);
    expect(drillRun).toContain(`--enable-cmd '${LAMBDA_DRAIN.enable}'`);
    // wrangler takes its --env from CLOUDFLARE_ENV: the Worker commands drain the chosen stage.
    expect(job.env?.CLOUDFLARE_ENV).toBe('${{ inputs.stage }}');
  });

  it('restores again whenever the drill may not have: failure, cancel or an error exit', () => {
    // Assess
    expect(step('restore-worker')?.run).toBe('npx wrangler deploy --var ROUTE_DRAIN:false');
    expect(step('restore-lambda')?.run).toBe(LAMBDA_DRAIN.enable);
    for (const id of ['restore-worker', 'restore-lambda']) {
      expect(step(id)?.if).toMatch(/^always\(\) && /);
      expect(step(id)?.if).toContain("steps.drill.outcome != 'success' || steps.drill.outputs.status != '0'");
    }
  });

  it('fails the job when a request was lost, from the JSON `failed` field', () => {
    // Assess
    expect(step('judge')?.run).toContain("jq -r '.failed'");
    expect(step('judge')?.if).toMatch(/^always\(\)/);
  });

  it('shares the deploy concurrency group of its stage: draining is a redeploy', () => {
    // Assess
    expect(drill.doc.concurrency).toEqual(deploy.doc.concurrency);
  });

  it.skipIf(!existsSync(join(repoRoot, 'infra', 'drill', 'disabler.ts')))(
    'uses the drain commands the CLI documents (the Lambda ones with the stage)',
    async () => {
      // Prepare
      const { DRAIN_COMMANDS } = await import('../../infra/drill/disabler.ts');

      // Assess: the Worker commands exactly; the Lambda ones drain with the same switch, on the
      // stage's stack (HadokuRoute-<stage>), since one stack per stage exists.
      expect(drillRun).toContain(`--disable-cmd '${DRAIN_COMMANDS.worker.disable}'`);
      expect(drillRun).toContain(`--enable-cmd '${DRAIN_COMMANDS.worker.enable}'`);
      expect(step('restore-worker')?.run).toBe(DRAIN_COMMANDS.worker.enable);
      expect(DRAIN_COMMANDS.lambda.disable).toMatch(/^npx cdk deploy \S+ --require-approval never .*-c drain=true$/);
      expect(LAMBDA_DRAIN.disable).toMatch(/-c drain=true$/);
      expect(DRAIN_COMMANDS.lambda.enable).toMatch(/-c drain=false$/);
    },
  );

  it('hands the Cloudflare token only to Worker drills', () => {
    // Assess
    expect(job.env?.CLOUDFLARE_API_TOKEN).toBe("${{ inputs.disable == 'worker' && secrets.CLOUDFLARE_API_TOKEN || '' }}");
    expect(job.env?.CLOUDFLARE_ACCOUNT_ID).toBe("${{ inputs.disable == 'worker' && secrets.CLOUDFLARE_ACCOUNT_ID || '' }}");
  });
});

describe('Every cdk synth and deploy', () => {
  // The stack refuses to synthesise while a ${VAR} of route-config.json has no value.
  const variables = [
    ...new Set([...readFileSync(join(repoRoot, 'route-config.json'), 'utf8').matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1])),
  ];

  it.each([
    [
      'ci.yml cdk synth step',
      () => ({ ...ci.doc.jobs.test.env, ...ci.doc.jobs.test.steps?.find((step) => step.run?.startsWith('npx cdk synth'))?.env }),
    ],
    ['deploy.yml lambda job', () => ({ ...deploy.doc.jobs.lambda.env })],
    ['drill.yml drill job', () => ({ ...drill.doc.jobs.drill.env })],
  ])('%s gives a value to every ${VAR} in route-config.json', (_where, envOf) => {
    // Act
    const env = envOf();

    // Assess
    expect(variables.filter((name) => !env[name])).toEqual([]);
  });
});

describe('All workflows', () => {
  it('reference no long-lived AWS keys', () => {
    // Act
    const offenders = workflows.filter((workflow) =>
      /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|aws-access-key-id|aws-secret-access-key/i.test(workflow.text),
    );

    // Assess
    expect(offenders.map((workflow) => workflow.file)).toEqual([]);
  });

  it('give id-token: write to every job that assumes the AWS role, and only read access otherwise', () => {
    for (const workflow of workflows) {
      expect(workflow.doc.permissions, workflow.file).toEqual({ contents: 'read' });
      for (const [jobId, job] of Object.entries(workflow.doc.jobs)) {
        const label = `${workflow.file} > ${jobId}`;
        // A job that calls deploy.yml must grant what its Lambda job needs (a called workflow can only narrow).
        if ((job as { uses?: string }).uses === './.github/workflows/deploy.yml') {
          expect(job.permissions, label).toEqual({ contents: 'read', 'id-token': 'write' });
          continue;
        }
        for (const step of awsCredentialSteps(job)) {
          expect(job.permissions, label).toEqual({ contents: 'read', 'id-token': 'write' });
          expect(step.with?.['role-to-assume'], label).toBe('${{ secrets.AWS_DEPLOY_ROLE_ARN }}');
        }
        if (job.permissions !== undefined && awsCredentialSteps(job).length === 0) {
          expect(job.permissions, `${label} asks for id-token without using it`).toEqual({ contents: 'read' });
        }
      }
    }
  });

  it('put every job that touches production behind a GitHub environment', () => {
    for (const workflow of workflows) {
      for (const [jobId, job] of Object.entries(workflow.doc.jobs)) {
        const usesSecrets = JSON.stringify(job).includes('secrets.');
        if (usesSecrets) expect(job.environment, `${workflow.file} > ${jobId}`).toBeDefined();
      }
    }
  });

  it('reference only step ids, jobs, inputs, secrets and variables that exist', () => {
    // Prepare
    const problems: string[] = [];

    // Act
    for (const workflow of workflows) {
      const inputs = Object.keys(dispatchInputs(workflow));
      const check = (where: string, value: unknown, job?: WorkflowJob): void => {
        for (const expression of expressionsIn(value)) {
          for (const ref of referencesIn(expression)) {
            const at = `${where}: ${ref.context}.${ref.name}`;
            if (ref.context === 'inputs' && !inputs.includes(ref.name)) problems.push(`${at} is not a workflow_dispatch input`);
            if (ref.context === 'secrets' && !DOCUMENTED_SECRETS.includes(ref.name)) problems.push(`${at} is not a documented secret`);
            if (ref.context === 'vars' && !DOCUMENTED_VARS.includes(ref.name)) problems.push(`${at} is not a documented variable`);
            if (ref.context === 'steps' && !(job?.steps ?? []).some((step) => step.id === ref.name)) {
              problems.push(`${at} is no step id of this job`);
            }
            if (ref.context === 'needs') {
              const needed = job === undefined ? [] : needsOf(job);
              if (!needed.includes(ref.name)) problems.push(`${at} is not in this job's needs`);
              const output = /^outputs\.([\w-]+)/.exec(ref.rest)?.[1];
              if (output && !(output in (workflow.doc.jobs[ref.name]?.outputs ?? {}))) {
                problems.push(`${at}.${ref.rest} is not an output of job ${ref.name}`);
              }
            }
          }
        }
      };
      const { jobs, ...top } = workflow.doc;
      check(workflow.file, top);
      for (const [jobId, job] of Object.entries(jobs)) {
        for (const need of needsOf(job)) if (!(need in jobs)) problems.push(`${workflow.file} > ${jobId} needs unknown job ${need}`);
        check(`${workflow.file} > ${jobId}`, job, job);
      }
    }

    // Assess
    expect(problems).toEqual([]);
  });

  it('the reference check sees a misspelt step id', () => {
    // Act
    const refs = expressionsIn({ if: "steps.drain-wroker.outcome != 'skipped'" }).flatMap(referencesIn);

    // Assess
    expect(refs).toEqual([{ context: 'steps', name: 'drain-wroker', rest: 'outcome' }]);
  });
});
