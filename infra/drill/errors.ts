/**
 * Error classes of the failover drill. Every refusal of the inputs is a {@link DrillInputError}
 * raised before a single request is sent, so a CLI can catch that one class and print the reason.
 */

/** Base class of every drill failure. */
export class DrillError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DrillError';
  }
}

/** The drill refused its inputs; no traffic was sent. */
export class DrillInputError extends DrillError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DrillInputError';
  }
}

/** `--router` is not an absolute http(s) URL. */
export class InvalidRouterUrlError extends DrillInputError {
  constructor(router: string, options?: { cause?: unknown }) {
    super(`drill: --router must be an absolute http(s) URL such as http://127.0.0.1:8787 (got '${router}')`, options);
    this.name = 'InvalidRouterUrlError';
  }
}

/** The router did not answer `GET /_config/route` with its routing JSON. */
export class RouterUnreachableError extends DrillInputError {
  constructor(router: string, reason: string, options?: { cause?: unknown }) {
    super(`drill: the router at ${router} does not answer GET /_config/route (${reason}); nothing was sent`, options);
    this.name = 'RouterUnreachableError';
  }
}

/** The provider id to disable is not one of the router's providers. */
export class UnknownProviderError extends DrillInputError {
  constructor(provider: string, known: readonly string[], options?: { cause?: unknown }) {
    super(`drill: provider '${provider}' is not in the router's config (known: ${known.join(', ') || 'none'})`, options);
    this.name = 'UnknownProviderError';
  }
}

/** A numeric input (rate, duration) is outside its bounds. */
export class OutOfBoundsError extends DrillInputError {
  constructor(what: string, value: unknown, min: number, max: number, unit: string, options?: { cause?: unknown }) {
    super(
      `drill: ${what} must be a number from ${min} to ${max} ${unit} (got ${typeof value === 'number' ? String(value) : JSON.stringify(value)})`,
      options,
    );
    this.name = 'OutOfBoundsError';
  }
}

/** `mode` is not one of refuse, hang, 503. */
export class InvalidModeError extends DrillInputError {
  constructor(mode: unknown, options?: { cause?: unknown }) {
    super(`drill: --mode must be refuse, hang or 503 (got ${JSON.stringify(mode)})`, options);
    this.name = 'InvalidModeError';
  }
}

/** No app's order contains the provider, so no drill traffic would ever reach it. */
export class NoDrillAppError extends DrillInputError {
  constructor(provider: string, options?: { cause?: unknown }) {
    super(
      `drill: no app routes through provider '${provider}' (neither a route's priority nor global_priority names it): disabling it would prove nothing`,
      options,
    );
    this.name = 'NoDrillAppError';
  }
}

/** The disabler cannot act on the provider (e.g. it is not a local stand-in). */
export class DisablerUnavailableError extends DrillInputError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DisablerUnavailableError';
  }
}

/** Disabling or re-enabling the provider failed while the drill ran. */
export class DisablerFailedError extends DrillError {
  constructor(step: 'disable' | 'enable', reason: string, options?: { cause?: unknown }) {
    super(`drill: could not ${step} the provider: ${reason}`, options);
    this.name = 'DisablerFailedError';
  }
}
