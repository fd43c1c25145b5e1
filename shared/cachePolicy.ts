import { cacheControl, deltaSeconds } from './cacheControl.ts';

/**
 * What the edge cache may keep (SPEC 6): GET and HEAD without credentials, and only 200 answers
 * that are neither personalised (`Set-Cookie`), nor marked not to be stored or reused as they are
 * (`no-store`, `private`, `no-cache`, `max-age=0`, `s-maxage=0`), nor varying on anything (`Vary: *`).
 */

/**
 * May this request be answered from, or stored into, the cache?
 *
 * @example
 * isCacheableRequest('GET', new Headers({ cookie: 'a=1' }), undefined); // false
 */
export function isCacheableRequest(method: string, headers: Headers, authHeader: string | undefined): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (headers.has('authorization') || headers.has('cookie')) return false;
  return !(authHeader && headers.has(authHeader));
}

/** `Cache-Control` directives that forbid storing (or reusing without asking the provider), with or without an argument. */
const NOT_STORED = ['no-store', 'private', 'no-cache'];

/**
 * May this answer be stored? `no-cache="Set-Cookie"` counts as `no-cache`: the router does not
 * strip fields to reuse the rest.
 *
 * @example
 * isStorableResponse(200, new Headers({ 'cache-control': 's-maxage=0, max-age=60' })); // false
 */
export function isStorableResponse(status: number, headers: Headers): boolean {
  if (status !== 200 || headers.has('set-cookie')) return false;
  const directives = cacheControl(headers.get('cache-control'));
  if (NOT_STORED.some((name) => directives.has(name))) return false;
  if (deltaSeconds(directives, 'max-age') === 0 || deltaSeconds(directives, 's-maxage') === 0) return false;
  return !varyNames(headers).includes('*');
}

/**
 * The request headers an answer varies on: its `Vary` field names, lower-cased, sorted, without
 * repeats (`*` kept, so the caller can refuse it).
 *
 * @example
 * varyNames(new Headers({ vary: 'X-User, accept-language' })); // ['accept-language', 'x-user']
 */
export function varyNames(headers: Headers): string[] {
  const names = (headers.get('vary') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  return [...new Set(names)].sort();
}

/**
 * Is `method` an unsafe one whose success drops the cached entries of its URL (SPEC 6)?
 *
 * @example
 * isInvalidatingMethod('PATCH'); // true
 */
export function isInvalidatingMethod(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE';
}
