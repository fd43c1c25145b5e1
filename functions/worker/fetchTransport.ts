import type { UpstreamFetch } from '../../shared/index.ts';

/**
 * Content codings that workerd's `fetch` decodes on its own (measured: `gzip` and `br`, not
 * `deflate` or `x-gzip`, which arrive as raw bytes and so keep their header truthfully).
 */
const DECODED_CODINGS = new Set(['gzip', 'br']);

/**
 * The Worker's upstream transport: the runtime's `fetch` with `redirect: 'manual'` and the
 * attempt's abort signal, as the core passes them.
 *
 * workerd decodes gzip and brotli bodies but keeps `Content-Encoding` and the compressed
 * `Content-Length`; passed on as they are, the headers would lie about the body. Such answers get
 * both headers dropped (the edge may compress again for the client).
 *
 * @param fetchImpl - The fetch to use. @default globalThis.fetch
 * @example
 * createRouter({ config, fetch: createFetchTransport() });
 */
export function createFetchTransport(fetchImpl: typeof fetch = fetch): UpstreamFetch {
  return async (url, init) => {
    const response = await fetchImpl(url, init);
    const coding = response.headers.get('content-encoding')?.trim().toLowerCase();
    if (coding === undefined || !DECODED_CODINGS.has(coding)) return response;
    const headers = new Headers(response.headers);
    headers.delete('content-encoding');
    headers.delete('content-length');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}
