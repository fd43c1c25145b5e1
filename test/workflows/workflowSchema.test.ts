import { spawnSync } from 'node:child_process';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { loadWorkflow, loadWorkflows, runStepsOf, workflowFileNames } from './workflowFiles.ts';

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

  it('every action is pinned to a major version or a commit', () => {
    // Act
    const uses = workflows.flatMap((workflow) =>
      Object.values(workflow.doc.jobs).flatMap((job) => (job.steps ?? []).flatMap((step) => (step.uses ? [step.uses] : []))),
    );

    // Assess
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
  });
});
