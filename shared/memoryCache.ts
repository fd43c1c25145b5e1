import { readCapped } from './readCapped.ts';
import type { CachedEntry, EdgeCache } from './types.ts';

interface Stored {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: Uint8Array | null;
  storedAt: number;
  expiresAt: number;
}

/**
 * Bounded in-memory LRU store for the edge cache (Node and Lambda). A `Map` keeps insertion order,
 * so re-inserting on every hit makes the first key the least recently used one.
 *
 * @example
 * const router = createRouter({ config, fetch, cache: new MemoryCache(500, 32 * 1024 * 1024) });
 */
export class MemoryCache implements EdgeCache {
  readonly #entries = new Map<string, Stored>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #maxEntryBytes: number;
  readonly #now: () => number;
  #bytes = 0;

  /**
   * @param maxEntries - @default 1000
   * @param maxBytes - total body bytes kept @default 64 MiB
   * @param now - clock @default Date.now
   */
  constructor(maxEntries = 1000, maxBytes = 64 * 1024 * 1024, now: () => number = Date.now) {
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
    this.#maxEntryBytes = Math.max(1, Math.floor(maxBytes / 8));
    this.#now = now;
  }

  async match(key: string): Promise<CachedEntry | undefined> {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#delete(key, entry);
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    const response = new Response(entry.body ? entry.body.slice() : null, {
      status: entry.status,
      statusText: entry.statusText,
      headers: entry.headers,
    });
    return { response, storedAt: entry.storedAt };
  }

  async put(key: string, response: Response, storedAt: number, keepSeconds: number): Promise<void> {
    const body = response.body ? await readCapped(response.body, this.#maxEntryBytes) : null;
    if (body === undefined) return; // too large for this store: not cached
    const old = this.#entries.get(key);
    if (old) this.#delete(key, old);
    const entry: Stored = {
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers],
      body,
      storedAt,
      expiresAt: storedAt + keepSeconds * 1000,
    };
    this.#entries.set(key, entry);
    this.#bytes += body?.byteLength ?? 0;
    for (const [k, e] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#delete(k, e);
    }
  }

  /** Number of entries kept. */
  get size(): number {
    return this.#entries.size;
  }

  #delete(key: string, entry: Stored): void {
    this.#entries.delete(key);
    this.#bytes -= entry.body?.byteLength ?? 0;
  }
}
