/**
 * What the edge cache may keep (SPEC 6): GET and HEAD without credentials, and only 200 answers
 * that are neither personalised (`Set-Cookie`) nor marked `no-store`/`private`.
 */

/** May this request be answered from, or stored into, the cache? */
export function isCacheableRequest(method: string, headers: Headers, authHeader: string | undefined): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (headers.has('authorization') || headers.has('cookie')) return false;
  return !(authHeader && headers.has(authHeader));
}

/** May this answer be stored? */
export function isStorableResponse(response: Response): boolean {
  if (response.status !== 200 || response.headers.has('set-cookie')) return false;
  const cacheControl = response.headers.get('cache-control')?.toLowerCase() ?? '';
  return !/(^|[\s,])(no-store|private)\b/.test(cacheControl);
}

/** Cache key: method + path + query. */
export function cacheKey(method: string, pathname: string, search: string): string {
  return `${method} ${pathname}${search}`;
}
