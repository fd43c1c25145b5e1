import { CliError } from '../kit/errors.ts';
import { ExitCode, type ExitCodeValue } from '../kit/exitCodes.ts';

/**
 * Error classes of the failover drill, in the CLI's kit: each is a {@link CliError} carrying its
 * exit code, so `hadoku-route drill` reports them as every command does. Every refusal of the
 * inputs is a {@link DrillInputError} (exit 1) raised before a single request is sent; a disabler
 * that fails while the drill runs is a {@link DisablerFailedError} (exit 4).
 */

/** Base class of every drill failure. @default exit code 1 (`ExitCode.invalid`) */
export class DrillError extends CliError {
  constructor(message: string, options: { cause?: unknown; exitCode?: ExitCodeValue } = {}) {
    super(message, { exitCode: options.exitCode ?? ExitCode.invalid, cause: options.cause });
  }
}

/** The drill refused its inputs; no traffic was sent (exit 1). */
export class DrillInputError extends DrillError {}

/** `--router` is not an absolute http(s) URL. */
export class InvalidRouterUrlError extends DrillInputError {
  constructor(router: string, options?: { cause?: unknown }) {
    super(`drill: --router must be an absolute http(s) URL such as http://127.0.0.1:8787 (got '${router}')`, options);
  }
}

/** The router did not answer `GET /_config/route` with its routing JSON. */
export class RouterUnreachableError extends DrillInputError {
  constructor(router: string, reason: string, options?: { cause?: unknown }) {
    super(`drill: the router at ${router} does not answer GET /_config/route (${reason}); nothing was sent`, options);
  }
}

/** The provider id to disable is not one of the router's providers. */
export class UnknownProviderError extends DrillInputError {
  constructor(provider: string, known: readonly string[], options?: { cause?: unknown }) {
    super(`drill: provider '${provider}' is not in the router's config (known: ${known.join(', ') || 'none'})`, options);
  }
}

/** A numeric input (rate, duration) is outside its bounds. */
export class OutOfBoundsError extends DrillInputError {
  constructor(what: string, value: unknown, min: number, max: number, unit: string, options?: { cause?: unknown }) {
    super(
      `drill: ${what} must be a number from ${min} to ${max} ${unit} (got ${typeof value === 'number' ? String(value) : JSON.stringify(value)})`,
      options,
    );
  }
}

/** `mode` is not one of refuse, hang, 503. */
export class InvalidModeError extends DrillInputError {
  constructor(mode: unknown, options?: { cause?: unknown }) {
    super(`drill: --mode must be refuse, hang or 503 (got ${JSON.stringify(mode)})`, options);
  }
}

/** No app's order contains the provider, so no drill traffic would ever reach it. */
export class NoDrillAppError extends DrillInputError {
  constructor(provider: string, options?: { cause?: unknown }) {
    super(
      `drill: no app routes through provider '${provider}' (neither a route's priority nor global_priority names it): disabling it would prove nothing`,
      options,
    );
  }
}

/** The disabler cannot act on the provider (e.g. it is not a local stand-in). */
export class DisablerUnavailableError extends DrillInputError {}

/** Disabling or re-enabling the provider failed while the drill ran (exit 4). */
export class DisablerFailedError extends DrillError {
  constructor(step: 'disable' | 'enable', reason: string, options: { cause?: unknown } = {}) {
    super(`drill: could not ${step} the provider: ${reason}`, { ...options, exitCode: ExitCode.disabler });
  }
}
