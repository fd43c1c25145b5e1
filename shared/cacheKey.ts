import { normaliseAcceptEncoding } from './contentCoding.ts';

/**
 * The base cache key of a request (SPEC 6): method + the host the client named + path + query.
 * Two hosts never share an entry: an answer a provider made for `Host: evil.example` (providers
 * reflect `X-Forwarded-Host`) stays with that host. The URL's vary index lives under this key.
 *
 * @example
 * cacheBaseKey('GET', 'Example.com', '/task/api/x', '?q=1'); // 'GET example.com/task/api/x?q=1'
 */
export function cacheBaseKey(method: string, host: string, pathname: string, search: string): string {
  return `${method} ${host.toLowerCase()}${pathname}${search}`;
}

/**
 * The key of one variant: the base key, the generation of the URL's vary index (a write to the URL
 * starts a new one, so no variant from before it is reachable again), and what the request headers
 * the answer varies on hold. `Accept-Encoding` is normalised and kept as is: a list of codings the
 * router serves, short and naming nobody. Any other varied header goes in as a digest, which keeps
 * keys short and header values (user ids) out of them.
 *
 * @example
 * await variantKey('GET example.com/x', 'g1', [], headers);                    // 'GET example.com/x #g1 -'
 * await variantKey('GET example.com/x', 'g1', ['accept-encoding'], headers);   // 'GET example.com/x #g1 ae=br,gzip'
 * await variantKey('GET example.com/x', 'g1', ['accept-language'], new Headers({ 'accept-language': 'fr' }));
 * // 'GET example.com/x #g1 3f1c...'
 */
export async function variantKey(base: string, generation: string, names: readonly string[], headers: Headers): Promise<string> {
  const encoding = () => normaliseAcceptEncoding(headers.get('accept-encoding'));
  // No digest where nothing needs hiding (most answers vary on nothing or on Accept-Encoding alone):
  // crypto.subtle.digest is an async job on Node's thread pool, two thirds of a cache hit's CPU.
  if (names.length === 0) return `${base} #${generation} -`;
  if (names.length === 1 && names[0] === 'accept-encoding') return `${base} #${generation} ae=${encoding()}`;
  const values = names.map((name) => (name === 'accept-encoding' ? encoding() : headers.get(name)));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify([names, values])));
  const hex = [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${base} #${generation} ${hex}`;
}
