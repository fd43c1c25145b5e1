const PLAIN_PATH = /^\/[\w\-.~!$&'()*+,;=:@%/?]*$/;
const DOT_SEGMENT = /\/(\.|%2e)/i;

/**
 * The path and query of an upstream URL as a Node HTTP client sends it: as given when it is plain,
 * else as the URL parser makes it (dot segments resolved, a fragment dropped, spaces encoded), so a
 * path never reaches a provider in a form the URL the core checked does not mean.
 *
 * @param slash - where the path starts in `url` (the first `/` after the authority), or -1
 * @example
 * requestPath('http://a.test/x/../y?q', 13) // '/y?q'
 */
export function requestPath(url: string, slash: number): string {
  const path = slash === -1 ? '/' : url.slice(slash);
  if (PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path)) return path;
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}
