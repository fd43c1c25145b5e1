import { cacheBaseKey, variantKey } from './cacheKey.ts';
import { entryState, freshness, keepSeconds, type Freshness } from './cacheFreshness.ts';
import { isCacheableRequest, isInvalidatingMethod, isStorableResponse } from './cachePolicy.ts';
import { acceptsContentEncoding } from './contentCoding.ts';
import { declaredLength } from './declaredLength.ts';
import { HEADER, STALE_IF_ERROR_SECONDS } from './defaults.ts';
import { readWhole } from './readWhole.ts';
import type { RouteSettings } from './parseConfig.ts';
import type { CachedEntry, EdgeCache, RouterContext } from './types.ts';
import { answerVaryNames, droppedVaryIndex, nextVaryIndex, readVaryIndex, varyIndexResponse, type VaryIndex } from './varyIndex.ts';

/** Largest body the cache keeps: a body is held whole until it is known to have arrived whole. */
export const MAX_CACHED_BODY_BYTES = 16 * 1024 * 1024;

/** Per-request facts the cache does not store: a HIT or STALE reports its own. */
const PER_REQUEST_HEADERS = [HEADER.cache, HEADER.attempts, 'server-timing'];

/** What {@link EdgeCacheStep} needs of the route's settings. */
export type EdgeCacheSettings = Pick<RouteSettings, 'cache' | 'cacheTtlSeconds' | 'auth'>;

/** A stored entry found for this request, with its current age. */
interface Found {
  entry: CachedEntry;
  freshness: Freshness;
  ageSeconds: number;
}

/**
 * The edge cache's part in one routed request (SPEC 6), so the router calls it in three places:
 * {@link EdgeCacheStep.lookup} before any provider (a fresh entry is the answer),
 * {@link EdgeCacheStep.settle} on a provider's answer (store it, or drop the URL's entries after a
 * write), and {@link EdgeCacheStep.stale} when every provider failed.
 *
 * @example
 * const edge = new EdgeCacheStep(cache, Date.now, settings, request, new URL(request.url));
 * const hit = await edge.lookup();
 * if (hit) return hit;
 */
export class EdgeCacheStep {
  /** May this request be answered from, or stored into, the cache? */
  readonly cacheable: boolean;
  readonly #cache: EdgeCache;
  readonly #now: () => number;
  readonly #settings: EdgeCacheSettings;
  readonly #method: string;
  readonly #headers: Headers;
  readonly #url: URL;
  readonly #host: string;
  #stale: Found | undefined;

  /**
   * @param cache - the store
   * @param now - wall clock in ms
   * @param url - the request's URL, as the router judged it
   */
  constructor(cache: EdgeCache, now: () => number, settings: EdgeCacheSettings, request: Request, url: URL) {
    this.#cache = cache;
    this.#now = now;
    this.#settings = settings;
    this.#method = request.method.toUpperCase();
    this.#headers = request.headers;
    this.#url = url;
    // The Host the client sent, not the router's own origin (the same for everyone): two hosts never share an entry.
    this.#host = request.headers.get('host') || url.host;
    this.cacheable = settings.cache && isCacheableRequest(this.#method, request.headers, settings.auth?.header);
  }

  /** A fresh entry as a `HIT` answer; else `undefined` (a stale one is kept for {@link EdgeCacheStep.stale}). */
  async lookup(): Promise<Response | undefined> {
    if (!this.cacheable) return undefined;
    const found = await this.#find().catch(() => undefined);
    if (!found) return undefined;
    const state = entryState(found.freshness, found.ageSeconds);
    if (state === 'fresh') return served(found, 'HIT');
    if (state === 'stale') this.#stale = found;
    else await found.entry.response.body?.cancel();
    return undefined;
  }

  /** When every provider failed: the entry kept by {@link EdgeCacheStep.lookup} as a `STALE` answer, if any. */
  stale(): Response | undefined {
    const found = this.#stale;
    this.#stale = undefined;
    return found ? served(found, 'STALE') : undefined;
  }

  /**
   * A provider answered (`headers` are the client's, still mutable): marks it `MISS` and stores it
   * once its body arrived whole, or, for a successful write, drops the cached entries of its URL.
   * Returns the body to send on (a branch of it when it is also being stored).
   */
  async settle<B extends Uint8Array>(
    status: number,
    headers: Headers,
    body: ReadableStream<B> | null,
    ctx: RouterContext,
  ): Promise<typeof body> {
    this.#stale?.entry.response.body?.cancel().catch(() => {});
    this.#stale = undefined;
    if (!this.cacheable) {
      // Before the answer goes out: the client's next read must not find what it just wrote over.
      if (this.#settings.cache && isInvalidatingMethod(this.#method) && status >= 200 && status < 400) await quietly(this.#invalidate());
      return body;
    }
    headers.set(HEADER.cache, 'MISS');
    if (!isStorableResponse(status, headers)) return body;
    const storedAt = this.#now();
    const stored = new Headers(headers);
    for (const name of PER_REQUEST_HEADERS) stored.delete(name);
    const keep = keepSeconds(freshness(stored, this.#settings.cacheTtlSeconds, storedAt));
    if (keep <= 0) return body;
    // No body to wait for (HEAD): stored before the answer goes out, so an immediate repeat hits.
    if (!body) {
      await quietly(this.#store(stored, null, storedAt, keep));
      return body;
    }
    const [toClient, toStore] = body.tee();
    const storing = quietly(this.#store(stored, toStore, storedAt, keep));
    background(storing, ctx);
    return toClient.pipeThrough(untilStored(storing, headers.get('content-length')));
  }

  #base(method = this.#method): string {
    return cacheBaseKey(method, this.#host, this.#url.pathname, this.#url.search);
  }

  async #find(): Promise<Found | undefined> {
    const base = this.#base();
    const index = await readVaryIndex(this.#cache, base);
    if (!index) return undefined;
    const entry = await this.#cache.match(await variantKey(base, index.generation, index.names, this.#headers));
    if (!entry) return undefined;
    const headers = entry.response.headers;
    // Belt and braces beside the key: an encoded body never goes to a client that did not accept it.
    if (!acceptsContentEncoding(this.#headers.get('accept-encoding'), headers.get('content-encoding'))) {
      await entry.response.body?.cancel();
      return undefined;
    }
    const f = freshness(headers, this.#settings.cacheTtlSeconds, entry.storedAt);
    const resident = Math.max(0, Math.floor((this.#now() - entry.storedAt) / 1000));
    return { entry, freshness: f, ageSeconds: f.arrivedAgeSeconds + resident };
  }

  async #store(headers: Headers, toStore: ReadableStream<Uint8Array> | null, storedAt: number, keep: number): Promise<void> {
    const base = this.#base();
    // The index and the key are worked out while the body streams, so the entry lands soon after
    // the body ends (the client's copy of the body waits for it: settle).
    let prepared = this.#prepare(base, headers);
    prepared.catch(() => {});
    let body: Uint8Array | null = null;
    if (this.#method !== 'HEAD') {
      const whole = await readWhole(toStore, headers.get('content-length'), MAX_CACHED_BODY_BYTES);
      if (whole === undefined) return;
      body = whole;
    }
    const early = await prepared;
    const current = await readVaryIndex(this.#cache, base);
    // A write to the URL succeeded after this answer was made: it may predate the write, so it is not kept.
    if (current && storedAt <= current.droppedAt) return;
    if (current?.generation !== early.current?.generation) prepared = this.#prepare(base, headers);
    const { index, key } = await prepared;
    await this.#cache.put(key, new Response(body as BodyInit | null, { status: 200, headers }), storedAt, keep);
    // The index goes in last, so it never points at a generation without its variant.
    await this.#cache.put(base, varyIndexResponse(index), storedAt, this.#settings.cacheTtlSeconds + STALE_IF_ERROR_SECONDS);
  }

  /** The URL's current index, the one this answer makes, and the answer's variant key under it. */
  async #prepare(base: string, headers: Headers): Promise<{ current: VaryIndex | undefined; index: VaryIndex; key: string }> {
    const current = await readVaryIndex(this.#cache, base);
    const index = nextVaryIndex(current, answerVaryNames(headers));
    return { current, index, key: await variantKey(base, index.generation, index.names, this.#headers) };
  }

  /**
   * Drops the URL's GET and HEAD variants: a new index generation makes every stored variant
   * unreachable, and its time keeps out an answer that was still arriving during the write.
   */
  async #invalidate(): Promise<void> {
    const at = this.#now();
    const keep = this.#settings.cacheTtlSeconds + STALE_IF_ERROR_SECONDS;
    const drop = (method: string) => this.#cache.put(this.#base(method), varyIndexResponse(droppedVaryIndex(at)), at, keep);
    await Promise.all(['GET', 'HEAD'].map(drop));
  }
}

/** A stored entry as the client's answer: the provider's headers, `X-Cache`, `Age` from the provider's, no attempts. */
function served(found: Found, state: 'HIT' | 'STALE'): Response {
  const { response } = found.entry;
  const headers = new Headers(response.headers);
  headers.set(HEADER.cache, state);
  headers.set('age', String(found.ageSeconds));
  headers.set(HEADER.attempts, '0');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * Passes the client's copy of a body on, holding back its end until the entry is stored: a client
 * that asks again as soon as its answer is whole finds it (a HIT), however busy the process or slow
 * the store. The end is the close of the stream, or, when the answer declares its length, the
 * chunk that completes it (a client reading `Content-Length` bytes asks again before the close).
 */
function untilStored<B extends Uint8Array>(storing: Promise<void>, contentLength: string | null): TransformStream<B, B> {
  const declared = declaredLength(contentLength) ?? null;
  let seen = 0;
  return new TransformStream<B, B>({
    async transform(chunk, controller) {
      seen += chunk.byteLength;
      if (declared !== null && seen >= declared) await storing;
      controller.enqueue(chunk);
    },
    flush: () => storing,
  });
}

/** Cache work the answer waits for; its failure is never the client's. */
async function quietly(work: Promise<void>): Promise<void> {
  await work.catch(() => {});
}

/** Cache work kept alive by `waitUntil` where the runtime has it (a client that goes away mid-body does not stop it). */
function background(work: Promise<void>, ctx: RouterContext): void {
  ctx.waitUntil?.(work);
}
