import type { CachedEntry, EdgeCache } from '../../shared/index.ts';

/** Header that carries when an entry was stored (ms since the epoch) inside the Cache API. */
export const STORED_AT_HEADER = 'x-route-stored-at';
/** Header that keeps the provider's own `Cache-Control` while ours drives the Cache API's expiry. */
const ORIGINAL_CACHE_CONTROL_HEADER = 'x-route-cache-control';
/** Headers the Cache API adds on a match that the provider never sent. */
const CACHE_API_HEADERS = ['cf-cache-status'];

/**
 * {@link EdgeCache} over the Workers Cache API (`caches.default`), SPEC section 6.
 *
 * The core decides what is cacheable and how fresh an entry is; this store only keeps entries for
 * `keepSeconds` (TTL + the stale-if-error window) and remembers `storedAt` in a header. Keys live
 * under a synthetic origin so they never collide with the zone's own cached pages. On a
 * `*.workers.dev` route the Cache API stores nothing: every lookup is then a MISS.
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
    const hit = await this.#cache().match(this.#url(key));
    if (hit === undefined) return undefined;
    const storedAt = Number(hit.headers.get(STORED_AT_HEADER));
    if (!Number.isFinite(storedAt) || storedAt <= 0) return undefined;
    const headers = new Headers(hit.headers);
    const original = headers.get(ORIGINAL_CACHE_CONTROL_HEADER);
    if (original === null) headers.delete('cache-control');
    else headers.set('cache-control', original);
    for (const name of [STORED_AT_HEADER, ORIGINAL_CACHE_CONTROL_HEADER, ...CACHE_API_HEADERS]) headers.delete(name);
    return { response: new Response(hit.body, { status: hit.status, headers }), storedAt };
  }

  async put(key: string, response: Response, storedAt: number, keepSeconds: number): Promise<void> {
    const headers = new Headers(response.headers);
    const original = headers.get('cache-control');
    if (original !== null) headers.set(ORIGINAL_CACHE_CONTROL_HEADER, original);
    // The Cache API expires entries by Cache-Control, so ours must say how long to keep it.
    headers.set('cache-control', `max-age=${Math.max(1, Math.ceil(keepSeconds))}`);
    headers.delete('expires');
    headers.set(STORED_AT_HEADER, String(storedAt));
    await this.#cache().put(this.#url(key), new Response(response.body, { status: response.status, headers }));
  }

  #url(key: string): string {
    return `${this.#origin}/${encodeURIComponent(key)}`;
  }
}
