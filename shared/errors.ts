/**
 * Error classes of the core. One class per failure, each with a `name` and an optional `cause`,
 * subclassed so a caller can catch broadly (`ConfigError`) or narrowly.
 */

/** Base class of every config failure. */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/**
 * A config that does not satisfy the contract. `errors` lists every problem, each message
 * starting with the field it is about (`routes.task.priority: unknown provider id "7" ...`).
 */
export class ConfigValidationError extends ConfigError {
  readonly errors: string[];
  constructor(errors: string[], options?: { cause?: unknown }) {
    super(
      errors.length === 1
        ? `invalid route config: ${errors[0]}`
        : `invalid route config (${errors.length} errors):\n  - ${errors.join('\n  - ')}`,
      options,
    );
    this.name = 'ConfigValidationError';
    this.errors = errors;
  }
}

/** The config store could not be read (file unreadable, SSM or KV unreachable). */
export class ConfigSourceError extends ConfigError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigSourceError';
  }
}

/** No valid config is known at all: not from the store, not last-known-good, not baked. */
export class ConfigUnavailableError extends ConfigError {
  constructor(message = 'Routing configuration not found', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigUnavailableError';
  }
}

/** An attempt that ran out of its `timeout_ms` or of the request's `deadline_ms`. */
export class AttemptTimeoutError extends Error {
  constructor(ms: number) {
    super(`no response headers within ${ms} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

/** The client went away while the router was still working for it. */
export class ClientAbortError extends Error {
  constructor() {
    super('client closed the request');
    this.name = 'ClientAbortError';
  }
}

/** The app registry has an entry that cannot be served, or `ROUTE_APPS` names an app it does not have. */
export class AppRegistryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppRegistryError';
  }
}
