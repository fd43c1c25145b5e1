import { describe, expect, it } from 'vitest';
import { cacheBaseKey, variantKey } from '../../shared/cacheKey.ts';
import { EdgeCacheStep } from '../../shared/edgeCacheStep.ts';
import type { CachedEntry, EdgeCache } from '../../shared/index.ts';
import { varyIndexResponse } from '../../shared/varyIndex.ts';

/** A store that keeps whatever it is given for ever (keep times ignored), like a shared cache that outlived its entries. */
class ForeverStore implements EdgeCache {
  readonly entries = new Map<string, { body: ArrayBuffer; status: number; headers: Headers; storedAt: number }>();
  puts = 0;
  async match(key: string): Promise<CachedEntry | undefined> {
    const e = this.entries.get(key);
    // A fresh Response per match, as real stores give (a clone's body could not be cancelled alone).
    return e
      ? { response: new Response(e.body.byteLength ? e.body : null, { status: e.status, headers: e.headers }), storedAt: e.storedAt }
      : undefined;
  }
  async put(key: string, response: Response, storedAt: number, _keepSeconds: number): Promise<void> {
    this.puts += 1;
    this.entries.set(key, { body: await response.arrayBuffer(), status: response.status, headers: response.headers, storedAt });
  }
}

const settings = { cache: true, cacheTtlSeconds: 60, auth: null };
const url = new URL('http://router.test/task/api/x');
const request = (headers: Record<string, string> = {}) => new Request(url, { headers });

/** Puts one variant (varying on nothing) under the URL's GET key, as a provider answer stored at `storedAt`. */
async function seed(store: ForeverStore, storedAt: number, headers: Record<string, string>) {
  const base = cacheBaseKey('GET', url.host, url.pathname, url.search);
  await store.put(base, varyIndexResponse({ names: [], generation: 'g1', droppedAt: 0 }), storedAt, 0);
  await store.put(await variantKey(base, 'g1', [], new Headers()), new Response('cached', { headers }), storedAt, 0);
  store.puts = 0;
}

describe('Class: EdgeCacheStep', () => {
  it.each<[string, number, Record<string, string>, Record<string, string>, string | undefined, boolean]>([
    // [name, age of the entry (s), stored headers, request headers, lookup answer, stale kept]
    ['a fresh entry is a HIT', 10, { 'cache-control': 'max-age=60' }, {}, 'HIT', false],
    ['a stale entry waits for every provider failing', 100, { 'cache-control': 'max-age=60' }, {}, undefined, true],
    ['a dead entry (past the stale window) is neither served nor kept', 100_000, { 'cache-control': 'max-age=60' }, {}, undefined, false],
    [
      'an encoded entry is never served to a client that did not accept its encoding, whatever the key said',
      10,
      { 'cache-control': 'max-age=60', 'content-encoding': 'gzip' },
      {},
      undefined,
      false,
    ],
    [
      'the same encoded entry is served to a client that accepts it',
      10,
      { 'cache-control': 'max-age=60', 'content-encoding': 'gzip' },
      { 'accept-encoding': 'gzip' },
      'HIT',
      false,
    ],
  ])('lookup: %s', async (_name, ageSeconds, stored, requestHeaders, verdict, staleKept) => {
    // Prepare
    const store = new ForeverStore();
    await seed(store, 0, stored);
    const edge = new EdgeCacheStep(store, () => ageSeconds * 1000, settings, request(requestHeaders), url);
    // Act
    const hit = await edge.lookup();
    // Assess
    expect(hit?.headers.get('x-cache') ?? undefined).toBe(verdict);
    expect(edge.stale()?.headers.get('x-cache') ?? undefined).toBe(staleKept ? 'STALE' : undefined);
  });

  it('an answer that arrives already older than it may ever be served is not stored, and still goes to the client', async () => {
    const store = new ForeverStore();
    const edge = new EdgeCacheStep(store, () => 0, settings, request(), url);
    const headers = new Headers({ 'cache-control': 'max-age=60', age: '100000' });
    const body = new Response('fresh from the provider').body;
    const out = await edge.settle(200, headers, body, {});
    expect(await new Response(out).text()).toBe('fresh from the provider');
    expect(headers.get('x-cache')).toBe('MISS');
    expect(store.puts).toBe(0);
  });
});

/** A store whose writes take `delayMs` to land, as a busy process's or a remote store's do. */
class SlowStore extends ForeverStore {
  readonly delayMs: number;
  constructor(delayMs: number) {
    super();
    this.delayMs = delayMs;
  }
  override async put(key: string, response: Response, storedAt: number, keepSeconds: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    await super.put(key, response, storedAt, keepSeconds);
  }
}

/** Reads `body` until `bytes` arrived (or its end), without waiting for the close after them. */
async function readBytes(body: ReadableStream<Uint8Array> | null, bytes: number): Promise<string> {
  const reader = body!.getReader();
  const chunks: Uint8Array[] = [];
  let seen = 0;
  while (seen < bytes) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    seen += value.byteLength;
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

describe('Class: EdgeCacheStep, a MISS and the request right after it', () => {
  const BODY = 'from the provider';
  it.each<[string, number, Record<string, string>, (out: ReadableStream<Uint8Array> | null) => Promise<string>]>([
    ['an instant store, a client reading to the close', 0, {}, (out) => new Response(out).text()],
    ['a store taking 50 ms per write, a client reading to the close', 50, {}, (out) => new Response(out).text()],
    [
      'a store taking 50 ms per write, a client reading its Content-Length bytes (it asks again before the close)',
      50,
      { 'content-length': String(BODY.length) },
      (out) => readBytes(out, BODY.length),
    ],
  ])('with %s: the client that asks again as soon as its answer is whole gets a HIT', async (_name, delayMs, extra, read) => {
    // Prepare
    const store = new SlowStore(delayMs);
    const miss = new EdgeCacheStep(store, () => 0, settings, request(), url);
    const headers = new Headers({ 'cache-control': 'max-age=60', ...extra });
    // Act: the client reads its MISS, then asks again at once.
    const out = await miss.settle(200, headers, new Response(BODY).body, {});
    expect(await read(out)).toBe(BODY);
    const hit = await new EdgeCacheStep(store, () => 1000, settings, request(), url).lookup();
    // Assess
    expect(headers.get('x-cache')).toBe('MISS');
    expect(hit?.headers.get('x-cache')).toBe('HIT');
    expect(await hit?.text()).toBe(BODY);
  });
});
