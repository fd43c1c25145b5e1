import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { hostHeaderProblem } from '../../shared/hostHeader.ts';
import { InvalidEventError } from './errors.ts';
import { invalidEventReason } from './isFunctionUrlEvent.ts';

/** Methods a Fetch `Request` refuses a body for. */
const BODYLESS = new Set(['GET', 'HEAD']);

/**
 * Converts a Function URL payload v2 event into a Fetch `Request` for the router core.
 *
 * - URL: `https://${requestContext.domainName}${rawPath}?${rawQueryString}`: the raw query string
 *   keeps repeated keys (`a=1&a=2`) that `queryStringParameters` comma-joins. The scheme is the
 *   `x-forwarded-proto` the Function URL front end sets (always `https` on AWS; the local shim
 *   says `http`), so "self" is recognised by origin in both places.
 * - Headers arrive lower-cased with repeats comma-joined; `cookies[]` is joined back into `cookie`
 *   (Function URLs move the Cookie header there).
 * - A body is decoded from base64 when `isBase64Encoded`; GET and HEAD never carry one.
 *
 * @throws {InvalidEventError} when the event is not a v2 event this adapter can convert
 * @example
 * const request = createRequest(event);
 * const response = await router.fetch(request, { clientAddress: event.requestContext.http.sourceIp });
 */
export function createRequest(event: LambdaFunctionURLEvent): Request {
  const reason = invalidEventReason(event);
  if (reason !== null) throw new InvalidEventError(`invalid Function URL event: ${reason}`);
  const { requestContext, rawPath, rawQueryString, cookies, body, isBase64Encoded } = event;
  const method = requestContext.http.method.toUpperCase();

  const headers = new Headers();
  try {
    for (const [name, value] of Object.entries(event.headers)) {
      if (value !== undefined) headers.append(name, value);
    }
    if (cookies !== undefined && cookies.length > 0) headers.set('cookie', cookies.join('; '));
  } catch (error) {
    // Header names/values with characters HTTP forbids (CR, LF, NUL...).
    throw new InvalidEventError(`invalid Function URL event: ${(error as Error).message}`, { cause: error });
  }

  // Host is only reported (the URL comes from domainName), but nonsense is refused (SPEC 3.0).
  const host = headers.get('host');
  const hostProblem = hostHeaderProblem(host === null ? [] : [host]);
  if (hostProblem !== null) throw new InvalidEventError(`invalid Function URL event: ${hostProblem}`);

  const scheme = headers.get('x-forwarded-proto') === 'http' ? 'http' : 'https';
  const query = rawQueryString ? `?${rawQueryString}` : '';
  let url: URL;
  let origin: URL;
  try {
    origin = new URL(`${scheme}://${requestContext.domainName}`);
    url = new URL(`${origin.origin}${rawPath}${query}`);
  } catch (error) {
    throw new InvalidEventError(`invalid Function URL event: cannot build a URL from domainName and rawPath`, { cause: error });
  }
  // Belt and braces for the guard: whatever rawPath holds, the request stays on the event's host.
  if (url.host !== origin.host) {
    throw new InvalidEventError(`invalid Function URL event: rawPath changes the host`);
  }

  let payload: Uint8Array<ArrayBuffer> | undefined;
  if (!BODYLESS.has(method) && typeof body === 'string' && body !== '') {
    payload = isBase64Encoded ? decodeBase64(body) : new TextEncoder().encode(body);
  }
  try {
    return new Request(url, { method, headers, body: payload });
  } catch (error) {
    throw new InvalidEventError(`invalid Function URL event: ${(error as Error).message}`, { cause: error });
  }
}

/** Strict base64 decoding: a body that is not base64 is a bad event, not silently shortened bytes. */
function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw new InvalidEventError('invalid Function URL event: body is marked isBase64Encoded but is not base64');
  }
  const bytes = Buffer.from(compact, 'base64');
  return new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as Uint8Array<ArrayBuffer>;
}
