/**
 * What a command may touch of the outside world: its output streams, its environment and its
 * working directory. Injected so that tests and the `dev` command can run commands in-process.
 */
export interface CliIo {
  /** Writes one line (a newline is added) to standard output. */
  out(line: string): void;
  /** Writes one line (a newline is added) to standard error. */
  err(line: string): void;
  /** Standard output is a terminal: `dev` then redraws its live view in place. @default false */
  outIsTTY?: boolean;
  /** Environment for `${VAR}` substitution and the priority overrides. */
  env: Record<string, string | undefined>;
  /** Directory relative paths are resolved against. */
  cwd: string;
  /**
   * Resolves when the process is asked to stop (SIGINT/SIGTERM), with the signal's name.
   * Long-running commands (`serve`, `dev`) wait on it.
   */
  untilStopped(): Promise<string>;
  /**
   * Asks a yes/no question on the terminal; `undefined` when there is no terminal to ask on
   * (CI, a pipe), in which case writing to a remote store needs `--yes`.
   */
  confirm?(question: string): Promise<boolean>;
}

/** The real process: stdout/stderr, `process.env`, `process.cwd()` and SIGINT/SIGTERM. */
export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    outIsTTY: process.stdout.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    untilStopped: () =>
      new Promise((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          // A second Ctrl-C while we close means "now": do not make the user wait on a hung close.
          process.once('SIGINT', () => process.exit(130));
          resolve(signal);
        };
        // The CLI owns these signals: it closes every runtime itself, then exits 0. Libraries
        // that hook them (Miniflare's exit-hook calls process.exit(130) on SIGINT) would end the
        // process before that close and with another code; their 'exit' hooks still run.
        process.removeAllListeners('SIGINT');
        process.removeAllListeners('SIGTERM');
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      }),
    ...(process.stdin.isTTY && process.stderr.isTTY ? { confirm: askOnTerminal } : {}),
  };
}

async function askOnTerminal(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
