/**
 * Runs the real `hadoku-route` CLI (`node bin/hadoku-route.js ...`) as a child process, the way a
 * user or CI does: one-shot commands via {@link runCli}, long-running ones (`serve`, `dev`) via
 * {@link startCli}, which waits for output lines and stops the child with a signal. Tables of
 * messages and flags use {@link runCliInProcess}: the same `main()` without a Node start per row.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../infra/kit/io.ts';

/** Absolute path of the CLI entry. */
export const BIN = fileURLToPath(new URL('../../bin/hadoku-route.js', import.meta.url));

/** What a finished CLI run produced. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

// Variables of the developer's shell that would change what the CLI does.
const SCRUB = /^(ROUTE_PRIORITY|ROUTE_SELF|LOCAL_BASE|WORKER_BASE|LAMBDA_BASE|ROUTE_CONFIG_.*|HADOKU_DEBUG|.*_ROUTE_PRIORITY|AWS_.*)$/;

/** A clean environment for the child plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUB.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/** A fresh temporary directory (the child's cwd, so no stray `.env` or config is picked up). */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'hadoku-cli-'));
}

/** Writes `content` (an object is written as 2-space JSON) to `dir/name` and returns the path. */
export function writeFixture(dir: string, name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  return path;
}

/** Runs one command to completion (killed after `timeoutMs`). */
export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? tempDir(),
    env: opts.env ?? cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, opts.timeoutMs ?? 20_000);
}

// In-process runs take turns: each one owns this process's stdout and stderr while it runs.
let turn: Promise<unknown> = Promise.resolve();

/**
 * Runs one command through the CLI's own `main()` inside the test process, with its own working
 * directory and environment: the code the binary runs, without a Node start per row (~0.25 CPU-s
 * each), for tables of messages, flags and file-store commands. Whatever the command writes to the
 * process's own stdout or stderr (a library's console line) is captured as well, so a leak check
 * sees everything a user would. What only the binary does (`.env`, the Node version gate, the exit
 * status of a process) stays with {@link runCli}.
 */
export function runCliInProcess(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliResult> {
  const run = turn.then(async () => {
    const { main } = await import('../../infra/cli/main.ts');
    const output = { stdout: '', stderr: '' };
    const io: CliIo = {
      out: (line) => (output.stdout += `${line}\n`),
      err: (line) => (output.stderr += `${line}\n`),
      env: opts.env ?? cliEnv(),
      cwd: opts.cwd ?? tempDir(),
      untilStopped: () => new Promise<string>(() => {}),
    };
    const restore = captureProcessOutput(output);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      const ms = opts.timeoutMs ?? 20_000;
      timer = setTimeout(
        () => reject(new Error(`CLI did not finish within ${ms} ms\nstdout: ${output.stdout}\nstderr: ${output.stderr}`)),
        ms,
      );
    });
    try {
      const code = await Promise.race([main(args, io), late]);
      return { code, signal: null, stdout: output.stdout, stderr: output.stderr };
    } finally {
      clearTimeout(timer);
      restore();
    }
  });
  turn = run.catch(() => undefined);
  return run;
}

function captureProcessOutput(output: { stdout: string; stderr: string }): () => void {
  const { stdout, stderr } = process;
  const [outWrite, errWrite] = [stdout.write, stderr.write];
  stdout.write = ((chunk: string | Uint8Array) => {
    output.stdout += String(chunk);
    return true;
  }) as typeof stdout.write;
  stderr.write = ((chunk: string | Uint8Array) => {
    output.stderr += String(chunk);
    return true;
  }) as typeof stderr.write;
  return () => {
    stdout.write = outWrite;
    stderr.write = errWrite;
  };
}

function collect(child: ChildProcess, timeoutMs: number): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // 'exit' can fire before the pipes drain: wait for them to close.
      let open = 2;
      const done = () => (--open === 0 ? resolve({ code, signal, stdout, stderr }) : undefined);
      if (child.stdout!.closed) done();
      else child.stdout!.on('close', done);
      if (child.stderr!.closed) done();
      else child.stderr!.on('close', done);
    });
  });
}

/** A long-running CLI child. */
export interface RunningCli {
  child: ChildProcess;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves with stdout once `pattern` matches it (rejects on exit or after `timeoutMs`). */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` and resolves with the result once the child has exited. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<CliResult>;
  /** Resolves when the child exits by itself. */
  exited: Promise<CliResult>;
}

/** Starts a long-running command (`serve`, `dev`). Always `stop()` it in a `finally`/`afterEach`. */
export function startCli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? tempDir(),
    env: opts.env ?? cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = collect(child, 120_000);
  exited.catch(() => undefined);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  let ended = false;
  void exited.finally(() => (ended = true));
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    waitForStdout(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const match = pattern.exec(stdout);
          if (match) {
            clearInterval(poll);
            resolve(match);
          } else if (ended || Date.now() - started > timeoutMs) {
            clearInterval(poll);
            reject(new Error(`no ${pattern} in stdout (${ended ? 'child exited' : 'timeout'})\nstdout: ${stdout}\nstderr: ${stderr}`));
          }
        }, 20);
      });
    },
    async stop(signal = 'SIGINT', timeoutMs = 15_000) {
      if (!ended) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Whether something accepts connections on `url`'s port (false = refused). */
export async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}
