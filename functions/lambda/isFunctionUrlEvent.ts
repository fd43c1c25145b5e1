import type { LambdaFunctionURLEvent } from 'aws-lambda';

/**
 * Why the event is not a Function URL payload v2 event, or `null` when it is one the adapter
 * can safely turn into a `Request`. Every check guards a line of {@link createRequest} that would
 * otherwise throw, build the wrong request, or send it somewhere else.
 */
export function invalidEventReason(event: unknown): string | null {
  // A direct `aws lambda invoke` with any payload reaches the handler too: only an object can be an event.
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return 'event is not an object';
  const e = event as Record<string, unknown>;
  // Payload 1.0 (API Gateway REST) carries `path`/`multiValueHeaders` instead of `rawPath`/`cookies`:
  // reading it as 2.0 would silently drop the query string and the cookies.
  if (e.version !== '2.0') return `unsupported payload version ${JSON.stringify(e.version)} (expected "2.0")`;
  // `rawPath` is concatenated after the origin: without the leading slash, `@evil.example/x` or
  // `.evil.example` would change the URL's host.
  if (typeof e.rawPath !== 'string' || !e.rawPath.startsWith('/')) return 'rawPath must be a string starting with "/"';
  // Appended after `?` as it is; a `#` would cut it short and turn the rest into a fragment.
  if (e.rawQueryString !== undefined && (typeof e.rawQueryString !== 'string' || e.rawQueryString.includes('#'))) {
    return 'rawQueryString must be a string without "#"';
  }
  // `new Headers()` throws on non-string values; a missing object means a hand-made event.
  if (typeof e.headers !== 'object' || e.headers === null || Array.isArray(e.headers)) return 'headers must be an object';
  for (const [name, value] of Object.entries(e.headers)) {
    if (typeof value !== 'string') return `header ${JSON.stringify(name)} must be a string`;
  }
  // Joined into one `cookie` header: anything but strings would be stringified into garbage.
  if (e.cookies !== undefined && (!Array.isArray(e.cookies) || !e.cookies.every((c) => typeof c === 'string'))) {
    return 'cookies must be an array of strings';
  }
  // A body is either text or base64; anything else cannot be replayed to a provider.
  if (e.body !== undefined && e.body !== null && typeof e.body !== 'string') return 'body must be a string';
  if (e.isBase64Encoded !== undefined && typeof e.isBase64Encoded !== 'boolean') return 'isBase64Encoded must be a boolean';
  const ctx = e.requestContext;
  if (typeof ctx !== 'object' || ctx === null) return 'requestContext must be an object';
  const { domainName, http } = ctx as Record<string, unknown>;
  // The request's origin, and what "self" is judged against (SPEC 4): a host name with an
  // optional port only, so no `/`, `@` or `?` can smuggle in a path, credentials or another host.
  if (typeof domainName !== 'string' || !/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(domainName)) {
    return 'requestContext.domainName must be a host name';
  }
  if (typeof http !== 'object' || http === null) return 'requestContext.http must be an object';
  const { method, sourceIp } = http as Record<string, unknown>;
  // `new Request()` rejects a method that is not an HTTP token, and the router branches on it.
  if (typeof method !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(method)) {
    return 'requestContext.http.method must be an HTTP method';
  }
  // Appended to X-Forwarded-For; optional because the router copes without it.
  if (sourceIp !== undefined && typeof sourceIp !== 'string') return 'requestContext.http.sourceIp must be a string';
  return null;
}

/**
 * Type guard: `true` when `event` is a Function URL payload v2 event {@link createRequest} accepts.
 * See {@link invalidEventReason} for why each field is checked.
 */
export function isFunctionUrlEvent(event: unknown): event is LambdaFunctionURLEvent {
  return invalidEventReason(event) === null;
}
