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
} as const;

/** The drill's own codes, listed after {@link EXIT_CODES_HELP} in the top-level help. */
export const DRILL_EXIT_CODES_HELP = [
  '  3  drill: an idempotent request failed during the drill',
  '  4  drill: the provider could not be disabled or re-enabled',
];

/** One of the documented exit codes. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit-code block every command's `--help` ends with. */
export const EXIT_CODES_HELP = [
  '  0  done',
  '  1  invalid input or config (bad flag, unknown command, config that does not validate)',
  '  2  store unreachable, or changed since it was read (conflict)',
];
