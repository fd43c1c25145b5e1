/** A routed path: `/<app>/api` or `/<app>/api/...`. */
const ROUTED = /^\/([a-z0-9-]+)\/api(?:\/|$)/;

/**
 * The app a normalised pathname routes to, or `null` when the path is not proxied.
 * The pathname must come from a WHATWG `URL`, which has already resolved dot segments and `%2e`,
 * so `/task/api/../../admin` is judged as `/admin`.
 *
 * @example
 * matchApp('/task/api/items') // 'task'
 * matchApp('/task/apix')      // null
 */
export function matchApp(pathname: string): string | null {
  const match = ROUTED.exec(pathname);
  return match ? match[1] : null;
}

/** `true` when every `%` in the path starts a valid escape that decodes as UTF-8. */
export function hasValidPercentEncoding(pathname: string): boolean {
  if (!pathname.includes('%')) return true;
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}
