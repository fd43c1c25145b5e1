import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** What a step script left behind, read the way the runner reads it. */
export interface StepResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** What the script appended to $GITHUB_STEP_SUMMARY. */
  summary: string;
  /** The `name=value` lines the script appended to $GITHUB_OUTPUT, as an object. */
  outputs: Record<string, string>;
}

/** A scratch directory standing in for the runner's workspace. */
export interface Workspace {
  dir: string;
  /** Writes a file relative to the workspace and returns its path. */
  write(relative: string, content: string): string;
  remove(): void;
}

/** Creates a scratch workspace under the OS temp directory. */
export function createWorkspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'hadoku-workflow-'));
  return {
    dir,
    write(relative, content) {
      const path = join(dir, relative);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a `run:` script exactly as GitHub runs `shell: bash` on Linux
 * (`bash --noprofile --norc -eo pipefail FILE`), in `cwd` (default: the workspace), with only
 * PATH, HOME, RUNNER_TEMP and the given variables set. The summary and output files are fresh each time.
 * The script is killed after `timeoutMs` (default 60 s; a step making several wrangler calls needs more).
 */
export async function runStepScript(
  script: string,
  workspace: Workspace,
  env: Record<string, string> = {},
  cwd: string = workspace.dir,
  timeoutMs = 60_000,
): Promise<StepResult> {
  const runner = mkdtempSync(join(tmpdir(), 'hadoku-runner-'));
  try {
    const file = join(runner, 'step.sh');
    const summaryFile = join(runner, 'summary.md');
    const outputFile = join(runner, 'output.txt');
    writeFileSync(file, script);
    writeFileSync(summaryFile, '');
    writeFileSync(outputFile, '');
    // Asynchronous on purpose: a step may call a server this test process runs (the SSM stand-in),
    // which a blocking spawnSync would starve.
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? runner,
        RUNNER_TEMP: runner,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_OUTPUT: outputFile,
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [status] = (await once(child, 'close')) as [number | null];
    const outputs: Record<string, string> = {};
    for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
      const at = line.indexOf('=');
      if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1);
    }
    return { status, stdout, stderr, summary: readFileSync(summaryFile, 'utf8'), outputs };
  } finally {
    rmSync(runner, { recursive: true, force: true });
  }
}
