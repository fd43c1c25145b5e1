import type { LambdaFunctionURLEvent } from 'aws-lambda';

/**
 * The client address to append to `X-Forwarded-For`, or `undefined` when the Function URL front
 * end already appended it: AWS puts the caller's IP (`requestContext.http.sourceIp`) last in the
 * `x-forwarded-for` header it passes in, and appending it again would list the client twice.
 */
export function clientAddressFor(event: LambdaFunctionURLEvent): string | undefined {
  const sourceIp = event.requestContext.http.sourceIp;
  if (!sourceIp) return undefined;
  const last = event.headers['x-forwarded-for']?.split(',').at(-1)?.trim();
  return last === sourceIp ? undefined : sourceIp;
}
