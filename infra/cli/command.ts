import type { ExitCodeValue } from '../kit/exitCodes.ts';
import type { CliIo } from '../kit/io.ts';

/** One flag of a command, as parsed by `node:util` parseArgs and shown by `--help`. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** One-letter alias, e.g. `p` for `--port`. */
  short?: string;
  /** Name of the value in help, e.g. `N` in `--port N`. */
  valueName?: string;
  /** Default shown in help and applied when the flag is absent. */
  default?: string | boolean;
  /** Allowed values; anything else is a usage error that lists them. */
  choices?: readonly string[];
  /** May be given more than once (values collected in order). */
  multiple?: boolean;
  /** One line for `--help`. */
  description: string;
}

/** Values of a parsed command line. */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * A `hadoku-route` sub-command: its help text is built from this description, so a flag cannot
 * exist without being documented.
 */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage lines without the program name, e.g. `validate [FILE]`. */
  usage: readonly string[];
  /** Paragraphs explaining what the command does. */
  description: readonly string[];
  /** Positional arguments and their meaning, for help. */
  positionals?: ReadonlyArray<{ name: string; description: string }>;
  /** Highest number of positional arguments accepted. @default 0 */
  maxPositionals?: number;
  options: Readonly<Record<string, OptionSpec>>;
  /** Example command lines, each with a comment saying what it does. */
  examples: ReadonlyArray<{ command: string; comment: string }>;
  /**
   * The shared exit codes (0, 1, 2) this command can end with; help lists only these.
   * @default [0, 1, 2]
   */
  exitCodes?: readonly ExitCodeValue[];
  /** Extra lines for the exit-code block, beyond the shared ones. */
  exitNotes?: readonly string[];
  /**
   * With `--json`, a failure is also printed on stdout as one JSON object
   * (`{"ok": false, "exit_code", "error", "details"}`), so that a script reads one document
   * whatever happened. @default false
   */
  jsonErrors?: boolean;
  /** Runs the command; resolves to the exit code. Throws CliError subclasses for known failures. */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}
