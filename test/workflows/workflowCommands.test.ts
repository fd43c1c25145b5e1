import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCommand, cliUsage, projectFacts } from './knownCommands.ts';
import { readShell } from './shellCommands.ts';
import { loadWorkflows, repoRoot, runStepsOf } from './workflowFiles.ts';

const facts = projectFacts(repoRoot);
const runSteps = loadWorkflows().flatMap(runStepsOf);

describe('Workflow run steps', () => {
  it.each(runSteps.map((runStep) => [runStep.label, runStep.step.run] as const))(
    '%s names only npm scripts, installed binaries, CLI commands and shell glue',
    (_label, run) => {
      // Prepare
      const script = readShell(run);

      // Act
      const problems = script.commands.flatMap((command) => checkCommand(command.words, facts, script.functions));

      // Assess
      expect(script.commands.length).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    },
  );

  it('use the CLI only through `node bin/hadoku-route.js`, the bin package.json declares', () => {
    // Act
    const usages = runSteps.flatMap((runStep) => readShell(runStep.step.run).commands.flatMap((command) => cliUsage(command.words) ?? []));

    // Assess: flip and drill, and validate and push for the one config source of deploy.yml.
    expect([...new Set(usages.map((usage) => usage.sub))].sort()).toEqual(['drill', 'flip', 'push', 'validate']);
    expect(existsSync(join(repoRoot, 'bin', 'hadoku-route.js'))).toBe(true);
  });
});

describe('Workflow cdk deploys', () => {
  it('name the stack the CDK app creates for the stage they pass (infra/bin/app.ts)', async () => {
    // Prepare: the app names its one stack stackId(stage); the workflows pass STAGE (checked first).
    const app = readFileSync(join(repoRoot, 'infra', 'bin', 'app.ts'), 'utf8');
    const { stackId } = await import('../../infra/lib/stageNames.ts');
    expect(app).toMatch(/new\s+RouterStack\(\s*app\s*,\s*stackId\(stage\)/);
    const stacks = [stackId('$STAGE')];

    // Act: `npx cdk deploy NAME ...` in every run step.
    const named = runSteps.flatMap((runStep) =>
      readShell(runStep.step.run)
        .commands.filter((command) => command.words[0] === 'npx' && command.words[1] === 'cdk' && command.words[2] === 'deploy')
        .map((command) => command.words[3]),
    );

    // Assess
    expect(stacks.length).toBeGreaterThan(0);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !stacks.includes(name))).toEqual([]);
    // ...and each passes that same stage to the app.
    const deploys = runSteps.flatMap((runStep) =>
      readShell(runStep.step.run).commands.filter((c) => c.words.slice(0, 3).join(' ') === 'npx cdk deploy'),
    );
    for (const command of deploys) expect(command.words).toContain('stage=$STAGE');
  });
});

describe('Function: checkCommand', () => {
  it.each([
    [['npm', 'run', 'deploy'], "no script 'deploy'"],
    [['npm', 'install'], 'only npm ci'],
    [['npx', 'serverless', 'deploy'], "'serverless' is not in node_modules/.bin"],
    [['npx', 'cdk', 'deploi'], "'cdk deploi' is not one of"],
    [['node', 'bin/hadoku-route.js', 'fly', 'task', '1'], "'fly' is not a hadoku-route command"],
    [['node', 'bin/hadoku-route.js', 'flip', 'task', '1', '--target', 's3'], '--target must be one of file, ssm, kv'],
    [['node', 'bin/hadoku-route.js', 'drill', '--routers', 'x'], 'has no flag --routers'],
    [['node', '-e', 'console.log(1)'], 'node may only run bin/hadoku-route.js'],
    [['curl', 'https://example.com'], "'curl' is not an npm script"],
  ])('rejects %j', (words, message) => {
    // Act
    const problems = checkCommand(words, facts, []);

    // Assess
    expect(problems.join('\n')).toContain(message);
  });

  it.each([
    [['npm', 'ci']],
    [['npm', 'test']],
    [['npm', 'run', 'typecheck']],
    [['npx', 'wrangler', 'deploy', '--dry-run']],
    [['npx', 'cdk', 'synth']],
    [['npx', 'hadoku-route', 'show', '--target', 'kv']],
    [['node', 'bin/hadoku-route.js', 'rollback', '--target=ssm', '--to', '3']],
  ])('accepts %j', (words) => {
    // Act / Assess
    expect(checkCommand(words, facts, [])).toEqual([]);
  });
});

// The static list above is the contract; once the CLI is in the tree, its own --help must agree.
const cliPresent = existsSync(join(repoRoot, 'infra', 'cli', 'main.ts'));

describe.skipIf(!cliPresent)('Workflow CLI calls against the real CLI', () => {
  const usages = new Map<string, Set<string>>();
  for (const runStep of runSteps) {
    for (const command of readShell(runStep.step.run).commands) {
      const usage = cliUsage(command.words);
      if (!usage) continue;
      const flags = usages.get(usage.sub) ?? new Set<string>();
      for (const flag of usage.flags) flags.add(flag);
      usages.set(usage.sub, flags);
    }
  }

  it.each([...usages].map(([sub, flags]) => [sub, [...flags]] as const))(
    '`hadoku-route %s --help` documents every flag the workflows pass (%j)',
    (sub, flags) => {
      // Act
      const result = spawnSync(process.execPath, ['bin/hadoku-route.js', sub, '--help'], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 20_000,
      });

      // Assess: the flags listed under "Options:" (`  -t, --target STORE  ...`).
      expect(result.status, result.stderr).toBe(0);
      const options = result.stdout.slice(result.stdout.indexOf('Options:'));
      const documented = [...options.matchAll(/^\s+(?:-\w, )?(--[\w-]+)/gm)].map((match) => match[1]);
      expect(documented.length).toBeGreaterThan(0);
      expect(flags.filter((flag) => !documented.includes(flag))).toEqual([]);
    },
  );
});
