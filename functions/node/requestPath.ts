const PLAIN_PATH = /^\/[\w\-.~!$&'()*+,;=:@%/?]*$/;
const DOT_SEGMENT = /\/(\.|%2e)/i;

/**
 * An upstream URL cut where its path starts: the scheme and authority as written (`http://a.test:8080`),
 * and the path and query as {@link requestPath} gives them. Both Node transports take a target this way.
 *
 * @example
 * splitUrl('http://a.test:8080/x?q') // { prefix: 'http://a.test:8080', path: '/x?q' }
 */
export function splitUrl(url: string): { prefix: string; path: string } {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  return { prefix: slash === -1 ? url : url.slice(0, slash), path: requestPath(url, slash) };
}

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
