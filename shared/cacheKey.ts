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
 * starts a new one, so no variant from before it is reachable again), and a digest of the request
 * headers the answer varies on (`Accept-Encoding` normalised). A digest keeps keys short and keeps
 * header values (user ids) out of them.
 *
 * @example
 * await variantKey('GET example.com/x', 'g1', ['accept-language'], new Headers({ 'accept-language': 'fr' }));
 * // 'GET example.com/x #g1 3f1c...'
 */
export async function variantKey(base: string, generation: string, names: readonly string[], headers: Headers): Promise<string> {
  const values = names.map((name) => (name === 'accept-encoding' ? normaliseAcceptEncoding(headers.get(name)) : headers.get(name)));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify([names, values])));
  const hex = [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${base} #${generation} ${hex}`;
}
