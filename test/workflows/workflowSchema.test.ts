import { spawnSync } from 'node:child_process';
import { validateWorkflow } from '@action-validator/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadWorkflow, loadWorkflows, repoRoot, runStepsOf, workflowFileNames } from './workflowFiles.ts';

const workflows = loadWorkflows();
const runSteps = workflows.flatMap(runStepsOf);

describe('Workflow files', () => {
  it('are exactly the four this project ships', () => {
    // Act / Assess
    expect(workflowFileNames()).toEqual(['ci.yml', 'deploy.yml', 'drill.yml', 'flip.yml']);
  });

  it.each(workflowFileNames())('%s parses as YAML without errors or duplicate keys', (file) => {
    // Act / Assess (loadWorkflow throws on any YAML error)
    expect(loadWorkflow(file).doc.jobs).toBeTypeOf('object');
  });

  it.each(workflows.map((workflow) => [workflow.file, workflow.text] as const))(
    '%s is valid against the GitHub workflow schema (action-validator)',
    (_file, text) => {
      // Act
      const state = validateWorkflow(text);

      // Assess
      expect(state.errors, JSON.stringify(state.errors, null, 2)).toEqual([]);
    },
  );

  it('the schema check is not a no-op: a misspelt key is rejected', () => {
    // Prepare
    const broken = workflows[0].text.replace('runs-on:', 'runs_on:');

    // Act
    const state = validateWorkflow(broken);

    // Assess
    expect(state.errors.length).toBeGreaterThan(0);
  });

  it.each(workflows.map((workflow) => [workflow.file, workflow] as const))('%s runs its steps with bash', (_file, workflow) => {
    // Assess: bash -e -o pipefail is what makes `cmd | tee log` fail when cmd fails.
    expect(workflow.doc.defaults?.run?.shell).toBe('bash');
  });

  it.each(runSteps.map((runStep) => [runStep.label, runStep.step.run] as const))('%s: run script passes bash -n', (_label, run) => {
    // Act
    const result = spawnSync('bash', ['-n'], { input: run, encoding: 'utf8' });

    // Assess
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('no run script expands ${{ }} itself: inputs reach the shell only through env (no script injection)', () => {
    // Act
    const offenders = runSteps.filter((runStep) => runStep.step.run.includes('${{')).map((runStep) => runStep.label);

    // Assess
    expect(offenders).toEqual([]);
  });

  it('every action is pinned to a full commit SHA, its release tag in a comment (a tag can be moved)', () => {
    // Act
    const uses = workflows.flatMap((workflow) =>
      [...workflow.text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)].map((m) => ({ file: workflow.file, action: m[1]!, rest: m[2]! })),
    );
    const remote = uses.filter((use) => !use.action.startsWith('./'));

    // Assess
    expect(remote.length).toBeGreaterThan(0);
    for (const use of remote) {
      expect(use.action, use.file).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(use.rest, `${use.file} ${use.action}`).toMatch(/^\s+# v\d+\.\d+\.\d+$/);
    }
    // One SHA per action everywhere, so Dependabot's bump is one change.
    const shas = new Map<string, Set<string>>();
    for (const use of remote) {
      const [name, sha] = use.action.split('@') as [string, string];
      shas.set(name, (shas.get(name) ?? new Set()).add(sha));
    }
    for (const [name, set] of shas) expect(set.size, name).toBe(1);
  });
});

describe('Dependabot (.github/dependabot.yml)', () => {
  const config = parse(readFileSync(join(repoRoot, '.github', 'dependabot.yml'), 'utf8')) as {
    version: number;
    updates: Array<{ 'package-ecosystem': string; directory: string; schedule: { interval: string } }>;
  };

  it('updates the pinned actions and the npm dependencies, from the repository root', () => {
    // Assess
    expect(config.version).toBe(2);
    expect(config.updates.map((update) => update['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
    for (const update of config.updates) {
      expect(update.directory).toBe('/');
      expect(['daily', 'weekly', 'monthly']).toContain(update.schedule.interval);
    }
  });
});
