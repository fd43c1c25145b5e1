import type { UpstreamFetch } from '../../shared/index.ts';

/**
 * Content codings that workerd's `fetch` decodes on its own (measured: `gzip` and `br`, not
 * `deflate` or `x-gzip`, which arrive as raw bytes and so keep their header truthfully).
 */
const DECODED_CODINGS = new Set(['gzip', 'br']);

/** The provider answered with a status line no client may be given. */
export class InvalidUpstreamStatusError extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`provider answered an invalid status ${status}`);
    this.name = 'InvalidUpstreamStatusError';
    this.status = status;
  }
}

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
    if (response.status < 200 || response.status > 599) {
      // workerd hands back statuses a Response cannot carry (101 without an upgrade, 600, 999): a
      // failed attempt like a connection error (SPEC 3.7), as the Node transport judges them.
      await response.body?.cancel().catch(() => {});
      throw new InvalidUpstreamStatusError(response.status);
    }
    const coding = response.headers.get('content-encoding')?.trim().toLowerCase();
    if (coding === undefined || !DECODED_CODINGS.has(coding)) return response;
    const headers = new Headers(response.headers);
    headers.delete('content-encoding');
    headers.delete('content-length');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}
