import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

/** The repository root (two levels above this folder). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where GitHub reads workflows from. */
export const workflowDir = join(repoRoot, '.github', 'workflows');

/** The parts of a workflow step these tests read. */
export interface WorkflowStep {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

/** The parts of a workflow job these tests read. */
export interface WorkflowJob {
  name?: string;
  needs?: string | string[];
  if?: string;
  'runs-on'?: string;
  environment?: string | { name: string; url?: string };
  permissions?: string | Record<string, string>;
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean | string };
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  steps?: WorkflowStep[];
}

/** The parts of a workflow these tests read. */
export interface WorkflowDoc {
  name?: string;
  on: Record<string, unknown> | string | string[];
  permissions?: string | Record<string, string>;
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean | string };
  defaults?: { run?: { shell?: string } };
  env?: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
}

/** One workflow file: its name, raw text and parsed document. */
export interface Workflow {
  file: string;
  text: string;
  doc: WorkflowDoc;
}

/** A `run:` step with the job it belongs to. */
export interface RunStep {
  workflow: string;
  job: string;
  step: WorkflowStep & { run: string };
  /** Human label for failure messages, e.g. `deploy.yml > lambda > cdk deploy`. */
  label: string;
}

/** The workflow file names, sorted. */
export function workflowFileNames(): string[] {
  return readdirSync(workflowDir)
    .filter((name) => name.endsWith('.yml') || name.endsWith('.yaml'))
    .sort();
}

/**
 * Reads and parses one workflow. Throws when the YAML has errors: GitHub would refuse the file,
 * so no later check should run on a half-parsed document.
 */
export function loadWorkflow(file: string): Workflow {
  const text = readFileSync(join(workflowDir, file), 'utf8');
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new Error(`${file}: ${document.errors.map((error) => error.message).join('\n')}`);
  }
  return { file, text, doc: document.toJS() as WorkflowDoc };
}

/** Every workflow in `.github/workflows`. */
export function loadWorkflows(): Workflow[] {
  return workflowFileNames().map(loadWorkflow);
}

/** The jobs a job waits for, as a list. */
export function needsOf(job: WorkflowJob): string[] {
  if (job.needs === undefined) return [];
  return Array.isArray(job.needs) ? job.needs : [job.needs];
}

/** The environment name of a job, if it has one. */
export function environmentOf(job: WorkflowJob): string | undefined {
  if (job.environment === undefined) return undefined;
  return typeof job.environment === 'string' ? job.environment : job.environment.name;
}

/** Every `run:` step of a workflow. */
export function runStepsOf(workflow: Workflow): RunStep[] {
  const steps: RunStep[] = [];
  for (const [jobId, job] of Object.entries(workflow.doc.jobs)) {
    for (const [index, step] of (job.steps ?? []).entries()) {
      if (typeof step.run !== 'string') continue;
      steps.push({
        workflow: workflow.file,
        job: jobId,
        step: step as WorkflowStep & { run: string },
        label: `${workflow.file} > ${jobId} > ${step.name ?? step.id ?? `step ${index + 1}`}`,
      });
    }
  }
  return steps;
}

/** The `run:` script of the step with this id, or a clear failure when there is none. */
export function runScript(file: string, jobId: string, stepId: string): string {
  const step = loadWorkflow(file).doc.jobs[jobId]?.steps?.find((candidate) => candidate.id === stepId);
  if (typeof step?.run !== 'string') throw new Error(`${file} has no run step '${stepId}' in job '${jobId}'`);
  return step.run;
}

/**
 * Every expression in a value: the insides of `${{ ... }}` in any string, plus the bare
 * expression of `if:` keys (GitHub reads those without braces).
 */
export function expressionsIn(value: unknown, key?: string): string[] {
  if (typeof value === 'string') {
    const found = [...value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((match) => match[1].trim());
    if (key === 'if' && found.length === 0) found.push(value);
    return found;
  }
  if (Array.isArray(value)) return value.flatMap((item) => expressionsIn(item));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([childKey, child]) => expressionsIn(child, childKey));
  }
  return [];
}

/** A context reference inside an expression, e.g. `steps.flip.outputs.x` -> steps / flip / outputs.x. */
export interface ContextReference {
  context: 'steps' | 'needs' | 'inputs' | 'secrets' | 'vars';
  name: string;
  rest: string;
}

/** The `steps.`, `needs.`, `inputs.`, `secrets.` and `vars.` references of an expression. */
export function referencesIn(expression: string): ContextReference[] {
  const pattern = /(?<![\w.-])(steps|needs|inputs|secrets|vars)\.([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*)*)/g;
  return [...expression.matchAll(pattern)].map((match) => ({
    context: match[1] as ContextReference['context'],
    name: match[2],
    rest: match[3].replace(/^\./, ''),
  }));
}
