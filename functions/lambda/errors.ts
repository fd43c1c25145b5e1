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

/**
 * The innermost error's name and message (the SDK wraps its own): what an operator needs in a log
 * line or `last_error`. SSM errors never carry a parameter's value.
 *
 * @example
 * describeSdkError(new SsmReadError('x', { cause: new Error('throttled') })); // 'Error: throttled'
 */
export function describeSdkError(error: unknown): string {
  let inner = error;
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause;
  return inner instanceof Error ? `${inner.name}: ${inner.message}` : 'unknown error';
}
