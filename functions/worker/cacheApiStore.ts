import type { CachedEntry, EdgeCache } from '../../shared/index.ts';

/** Header that carries when an entry was stored (ms since the epoch) inside the Cache API. */
export const STORED_AT_HEADER = 'x-route-stored-at';
/** Prefix of the headers that keep the provider's own value of a header the Cache API acts on. */
const KEPT_PREFIX = 'x-route-kept-';
/**
 * Provider headers the Cache API would act on rather than keep: its expiry follows our
 * `Cache-Control` (and would follow `Expires`), it varies matches on `Vary`, and may rewrite `Age`.
 * They are kept under {@link KEPT_PREFIX} and given back as the provider sent them.
 */
const KEPT_HEADERS = ['cache-control', 'expires', 'vary', 'age'];
/** Headers the Cache API adds on a match that the provider never sent. */
const CACHE_API_HEADERS = ['cf-cache-status'];

/**
 * {@link EdgeCache} over the Workers Cache API (`caches.default`), SPEC section 6.
 *
 * The core decides what is cacheable and how fresh an entry is; this store only keeps entries for
 * `keepSeconds` (as long as the entry can be served, stale-if-error included) and remembers
 * `storedAt` in a header. Keys live under a synthetic origin so they never collide with the zone's
 * own cached pages. On a `*.workers.dev` route the Cache API stores nothing: every lookup is then
 * a MISS.
 *
 * @example
 * createRouter({ config, fetch, cache: new CacheApiStore() });
 */
export class CacheApiStore implements EdgeCache {
  readonly #cache: () => Cache;
  readonly #origin: string;

  /**
   * @param cache - The cache to use. @default caches.default (looked up lazily, per call)
   * @param origin - Origin of the synthetic key URLs. @default "https://hadoku-route.cache"
   */
  constructor(cache?: Cache, origin: string = 'https://hadoku-route.cache') {
    this.#cache = cache === undefined ? () => caches.default : () => cache;
    this.#origin = origin;
  }

  async match(key: string): Promise<CachedEntry | undefined> {
    const hit = await this.#cache().match(this.url(key));
    if (hit === undefined) return undefined;
    const storedAt = Number(hit.headers.get(STORED_AT_HEADER));
    if (!Number.isFinite(storedAt) || storedAt <= 0) {
      await hit.body?.cancel();
      return undefined;
    }
    const headers = new Headers(hit.headers);
    for (const name of KEPT_HEADERS) {
      const kept = headers.get(KEPT_PREFIX + name);
      if (kept === null) headers.delete(name);
      else headers.set(name, kept);
      headers.delete(KEPT_PREFIX + name);
    }
    for (const name of [STORED_AT_HEADER, ...CACHE_API_HEADERS]) headers.delete(name);
    return { response: new Response(hit.body, { status: hit.status, headers }), storedAt };
  }

  async put(key: string, response: Response, storedAt: number, keepSeconds: number): Promise<void> {
    const headers = new Headers(response.headers);
    for (const name of KEPT_HEADERS) {
      const value = headers.get(name);
      if (value !== null) headers.set(KEPT_PREFIX + name, value);
      headers.delete(name);
    }
    // The Cache API expires entries by Cache-Control, so ours must say how long to keep it.
    headers.set('cache-control', `max-age=${Math.max(1, Math.ceil(keepSeconds))}`);
    headers.set(STORED_AT_HEADER, String(storedAt));
    await this.#cache().put(this.url(key), new Response(response.body, { status: response.status, headers }));
  }

  /**
   * The synthetic URL a key is kept under in the Cache API (whose keys must be URLs).
   *
   * @example
   * new CacheApiStore().url('GET example.com/x'); // 'https://hadoku-route.cache/GET%20example.com%2Fx'
   */
  url(key: string): string {
    return `${this.#origin}/${encodeURIComponent(key)}`;
  }
}
