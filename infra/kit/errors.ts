import { ExitCode, type ExitCodeValue } from './exitCodes.ts';

/** What a failure carries besides its message. */
export interface CliErrorOptions {
  /** Extra lines printed under the message (every validation error, a hint). */
  details?: readonly string[];
  cause?: unknown;
}

/**
 * Base of every failure the CLI reports itself: a one-line message for the user and the exit
 * code that goes with it. Anything else that escapes a command is a bug and exits 1.
 */
export class CliError extends Error {
  /** Exit code the process ends with. */
  readonly exitCode: ExitCodeValue;
  /** Extra lines printed under the message (every validation error, a hint). */
  readonly details: readonly string[];

  constructor(message: string, opts: CliErrorOptions & { exitCode?: ExitCodeValue } = {}) {
    super(message, { cause: opts.cause });
    // The subclass's own name (`StoreConflictError`...), set once here for every class.
    this.name = new.target.name;
    this.exitCode = opts.exitCode ?? ExitCode.invalid;
    this.details = opts.details ?? [];
  }
}

/** A command line the CLI cannot act on: unknown command or flag, missing or malformed value. */
export class UsageError extends CliError {
  /** The command whose `--help` the user should read, when known. */
  readonly command: string | undefined;

  constructor(message: string, opts: { command?: string; cause?: unknown } = {}) {
    super(message, { exitCode: ExitCode.invalid, cause: opts.cause });
    this.command = opts.command;
  }
}

/** A config that cannot be used: missing file, bad JSON, failed validation (every error listed). */
export class InvalidConfigError extends CliError {
  constructor(message: string, opts: CliErrorOptions = {}) {
    super(message, { ...opts, exitCode: ExitCode.invalid });
  }
}

/** The config store could not be reached (SSM down, wrangler failing, unreadable file). */
export class StoreUnavailableError extends CliError {
  constructor(message: string, opts: CliErrorOptions = {}) {
    super(message, { ...opts, exitCode: ExitCode.store });
  }
}

/** The store changed between our read and our write: writing would silently lose that change. */
export class StoreConflictError extends CliError {
  constructor(message: string, opts: CliErrorOptions = {}) {
    super(message, { ...opts, exitCode: ExitCode.store });
  }
}

/**
 * The store cannot be used as set up: no credentials, no region, no parameter name, a KV
 * namespace that does not exist. Input to fix (exit 1), unlike an outage.
 */
export class StoreSetupError extends CliError {
  constructor(message: string, opts: CliErrorOptions = {}) {
    super(message, { ...opts, exitCode: ExitCode.invalid });
  }
}
