/**
 * Exit codes of every `hadoku-route` command, documented in each `--help` and in the README.
 * Scripts (CI flips, health checks) branch on them, so they never change meaning.
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
} as const;

/**
 * The codes of one command only (drill's 3 and 4, flip --watch's 3), listed after
 * {@link EXIT_CODES_HELP} in the top-level help.
 */
export const DRILL_EXIT_CODES_HELP = [
  '  3  flip --watch: rolled back (the new first provider failed while watched)',
  '  3  drill: an idempotent request failed during the drill',
  '  4  drill: the provider could not be disabled or re-enabled',
];

/** One of the documented exit codes. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** What each shared exit code means, as help prints it. */
const MEANINGS: Readonly<Record<ExitCodeValue, string>> = {
  0: 'done',
  1: 'invalid input or config (bad flag, unknown command, config that does not validate)',
  2: 'store unreachable, or changed since it was read (conflict)',
  3: 'rolled back: the new first provider failed while watched, the previous config was written back',
};

/**
 * The exit-code lines of a help text: only the codes given (a command that reaches no store
 * never exits 2, so its help does not say it might).
 *
 * @default codes every shared code: 0, 1, 2
 * @example
 * exitCodesHelp([0, 1]) // ['  0  done', '  1  invalid input or config (...)']
 */
export function exitCodesHelp(codes: readonly ExitCodeValue[] = [ExitCode.ok, ExitCode.invalid, ExitCode.store]): string[] {
  return codes.map((code) => `  ${code}  ${MEANINGS[code]}`);
}

/** The exit-code block of the top-level help (every shared code). */
export const EXIT_CODES_HELP = exitCodesHelp();
