/**
 * Error classes of the Lambda adapter. One class per failure, each with a `name` and a `cause`.
 */

/** A Function URL event the adapter cannot turn into a `Request`: answered 400, never a crash. */
export class InvalidEventError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidEventError';
  }
}

/** The SSM parameter could not be read (unreachable, throttled, timed out, access denied). */
export class SsmReadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SsmReadError';
  }
}
