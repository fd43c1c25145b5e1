/**
 * Exit codes of every `hadoku-route` command, documented in each `--help` and in the README.
 * Scripts (CI flips, health checks, drills) branch on them, so they never change meaning.
 */
export const ExitCode = {
  /** The command did what it was asked. */
  ok: 0,
  /** Invalid input or config: a bad flag, an unknown command, a config that does not validate. */
  invalid: 1,
  /** The store (SSM, KV, file) could not be reached, or changed under us (a concurrent write). */
  store: 2,
  /** `flip --watch`: the new first provider failed while watched and the previous config was written back. */
  rolledBack: 3,
  /** `drill`: an idempotent (GET) request failed during the drill, or nothing was sent. */
  lost: 3,
  /** `drill`: the provider could not be disabled or re-enabled (traffic stopped). */
  disabler: 4,
} as const;

/** One of the documented exit codes. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** One row of {@link EXIT_CODE_TABLE}. */
export interface ExitCodeRow {
  code: ExitCodeValue;
  /** The command this code belongs to; absent for the codes every command shares (0, 1, 2). */
  command?: 'flip' | 'drill';
  /** The line of the command's own `--help`. */
  meaning: string;
  /** The line of the top-level help (the command named), for a command's own code. */
  overview?: string;
}

/**
 * Every exit code and what it means, once: the help texts (a command's, the top-level one) are
 * derived from it, so they cannot say different things. A code above 2 belongs to one command
 * and means something else in another (3: flip's roll-back, drill's lost request).
 */
export const EXIT_CODE_TABLE: readonly ExitCodeRow[] = [
  { code: 0, meaning: 'done' },
  { code: 1, meaning: 'invalid input or config (bad flag, unknown command, config that does not validate)' },
  { code: 2, meaning: 'store unreachable, or changed since it was read (conflict)' },
  {
    code: 3,
    command: 'flip',
    meaning: 'rolled back: the new first provider failed while watched, the previous config was written back',
    overview: 'flip --watch: rolled back (the new first provider failed while watched)',
  },
  {
    code: 3,
    command: 'drill',
    meaning: 'an idempotent (GET) request failed during the drill, or nothing was sent',
    overview: 'drill: an idempotent request failed during the drill',
  },
  {
    code: 4,
    command: 'drill',
    meaning: 'the provider could not be disabled or re-enabled (the command or stand-in failed)',
    overview: 'drill: the provider could not be disabled or re-enabled',
  },
];

/**
 * The exit-code lines of a help text: only the codes given (a command that reaches no store
 * never exits 2, so its help does not say it might). A command's own code is read in that
 * command's row; without `command`, in the first row that has the code (flip's 3, as `flip`
 * lists `ExitCode.rolledBack` among its codes).
 *
 * @default codes every shared code: 0, 1, 2
 * @example
 * exitCodesHelp([0, 1]) // ['  0  done', '  1  invalid input or config (...)']
 * exitCodesHelp([3, 4], 'drill') // ['  3  an idempotent (GET) request failed ...', '  4  the provider could not ...']
 */
export function exitCodesHelp(
  codes: readonly ExitCodeValue[] = [ExitCode.ok, ExitCode.invalid, ExitCode.store],
  command?: string,
): string[] {
  return codes.map((code) => {
    const rows = EXIT_CODE_TABLE.filter((row) => row.code === code);
    const row = rows.find((r) => r.command === undefined || r.command === command) ?? rows[0]!;
    return `  ${code}  ${row.meaning}`;
  });
}

/** The exit-code block of the top-level help (every shared code). */
export const EXIT_CODES_HELP = exitCodesHelp();

/**
 * The codes of one command only (flip --watch's 3, drill's 3 and 4), each naming its command,
 * listed after {@link EXIT_CODES_HELP} in the top-level help.
 */
export const COMMAND_EXIT_CODES_HELP: readonly string[] = EXIT_CODE_TABLE.filter((row) => row.overview).map(
  (row) => `  ${row.code}  ${row.overview}`,
);
