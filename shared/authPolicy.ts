import type { RouteAuth } from './parseConfig.ts';

/** Methods that never need the route's key (they must not change anything). */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Headers with which a client asks a framework to treat the request as another method. Many
 * servers (Express's method-override, Rails, Spring's HiddenHttpMethodFilter) honour them, so a
 * `GET` carrying `X-HTTP-Method-Override: DELETE` may well delete: it is judged as a DELETE.
 */
export const METHOD_OVERRIDE_HEADERS: readonly string[] = ['x-http-method-override', 'x-http-method', 'x-method-override'];

/**
 * Whether a request must carry the route's key (SPEC 1 `auth`). Checked in this order:
 *
 * 1. No `auth` on the route: never.
 * 2. No `methods` listed: every method needs it.
 * 3. The request's method and every method an override header names are each judged: a method
 *    in `methods` needs the key, and so does every method other than GET, HEAD and OPTIONS (a
 *    method nobody listed, `PROPFIND`, `FOO`, is never let through keyless).
 *
 * Pure: no I/O, table-tested in test/shared/authPolicy.test.ts.
 *
 * @param method - the request method as received (any case)
 * @param headers - the request headers (override headers are read from here)
 * @param auth - the route's auth, `null` when it has none
 * @example
 * needsKey('PROPFIND', new Headers(), { header: 'X-Admin-Key', value: 's', methods: new Set(['POST']) }); // true
 * needsKey('GET', new Headers({ 'x-http-method-override': 'DELETE' }), auth); // true
 * needsKey('GET', new Headers(), auth); // false
 */
export function needsKey(method: string, headers: Headers, auth: RouteAuth | null): boolean {
  if (auth === null) return false;
  if (auth.methods === null) return true;
  const judged = [method, ...overriddenMethods(headers)];
  return judged.some((m) => {
    const upper = m.trim().toUpperCase();
    return auth.methods!.has(upper) || !SAFE_METHODS.has(upper);
  });
}

/** Every method the override headers name (a header may list several, comma-separated). */
function overriddenMethods(headers: Headers): string[] {
  const named: string[] = [];
  for (const name of METHOD_OVERRIDE_HEADERS) {
    const value = headers.get(name);
    if (value === null) continue;
    for (const part of value.split(',')) if (part.trim() !== '') named.push(part);
  }
  return named;
}
