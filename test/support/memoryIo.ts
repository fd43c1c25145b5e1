import type { CliIo } from '../../infra/kit/io.ts';

/** A {@link CliIo} that keeps what a command prints, for running commands in-process. */
export interface MemoryIo {
  io: CliIo;
  /** Lines written to stdout, in order. */
  out: string[];
  /** Lines written to stderr, in order. */
  err: string[];
}

/**
 * An in-process CliIo: lines are collected, the environment is this process's, the working
 * directory this one's, and nothing asks the command to stop.
 *
 * @example
 * const { io, out } = memoryIo();
 * expect(await main(['validate', file], io)).toBe(0);
 */
export function memoryIo(overrides: Partial<CliIo> = {}): MemoryIo {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: process.env,
    cwd: process.cwd(),
    untilStopped: () => new Promise<string>(() => undefined),
    ...overrides,
  };
  return { io, out, err };
}
