import type { UpstreamInit } from '../../shared/index.ts';

// The forwarded headers of a request are the same object for every attempt: converted once.
const converted = new WeakMap<Headers, Record<string, string>>();

/**
 * An attempt's headers as Node's HTTP clients take them (a plain object), plus the
 * `Content-Length` of the buffered body; converted once per request, whatever its attempts.
 *
 * @example
 * http.request({ ..., headers: outgoingHeaders(init) });
 */
export function outgoingHeaders(init: UpstreamInit): Record<string, string> {
  let base = converted.get(init.headers);
  if (base === undefined) {
    base = {};
    for (const [name, value] of init.headers) base[name] = value;
    converted.set(init.headers, base);
  }
  if (init.body) return { ...base, 'content-length': String(init.body.byteLength) };
  if (init.method !== 'GET' && init.method !== 'HEAD') return { ...base, 'content-length': '0' };
  return base;
}
