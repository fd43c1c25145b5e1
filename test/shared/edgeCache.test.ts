/**
 * The edge cache inside the router (SPEC 6, issue 11 items 1-4): what is stored, under which key,
 * for how long, and what is never served to whom. In-process providers and a hand-driven clock;
 * the conformance table (`hostileCache.ts`) holds the same rows over HTTP on every runtime.
 */
import { describe, expect, it } from 'vitest';
import { scriptedRouter, type Behaviour } from './routerHarness.ts';

const config = (ttl = 60) => ({
  providers: { '1': 'http://one.test' },
  breaker: false,
  routes: { task: { priority: '1', cache: true, cache_ttl_seconds: ttl } },
});

/** A router whose provider 1 answers with `answer(request headers, n)`; `n` counts from 1. */
function cachedRouter(answer: (headers: Headers, n: number) => Response | Promise<Response>, ttl = 60) {
  let clock = 1_800_000_000_000;
  let n = 0;
  const behaviour: Behaviour = (_url, init) => answer(init.headers, ++n);
  const routed = scriptedRouter(config(ttl), { '1': behaviour }, { wall: () => clock });
  return {
    ...routed,
    advance: (seconds: number) => void (clock += seconds * 1000),
    /** One request, body read, and the background cache work it started (waitUntil) finished. */
    async send(path: string, init?: RequestInit): Promise<{ response: Response; text: string }> {
      const pending: Promise<unknown>[] = [];
      const response = await routed.router.fetch(new Request(`http://router.test${path}`, init), {
        waitUntil: (p) => void pending.push(p),
      });
      const text = await response.text().catch(() => '<broken>');
      await Promise.all(pending);
      return { response, text };
    },
  };
}

const declared = (length: number) => ({ 'content-length': String(length) });

/** A body stream of `bytes` bytes that then ends normally (`end`) or fails (`error`). */
function bodyOf(bytes: number, then: 'end' | 'error'): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new Uint8Array(bytes).fill(97));
      if (then === 'end') controller.close();
      else controller.error(new Error('connection reset mid-body'));
    },
  });
}

describe('Edge cache: bodies that did not arrive whole are never stored (item 1)', () => {
  it.each<[string, () => Response]>([
    ['65 of 1000 declared bytes, then a clean end (workerd)', () => new Response(bodyOf(65, 'end'), { headers: declared(1000) })],
    ['a stream that fails mid-body', () => new Response(bodyOf(65, 'error'))],
    ['more bytes than declared', () => new Response(bodyOf(70, 'end'), { headers: declared(65) })],
    ['a Content-Length that is not a number', () => new Response(bodyOf(65, 'end'), { headers: { 'content-length': 'lots' } })],
  ])('%s', async (_name, broken) => {
    // Prepare
    const router = cachedRouter((_h, n) => (n === 1 ? broken() : new Response('whole')));

    // Act
    await router.send('/task/api/x');
    const second = await router.send('/task/api/x');

    // Assess
    expect(second.response.headers.get('x-cache')).toBe('MISS');
    expect(second.text).toBe('whole');
  });

  it('a whole body with its Content-Length is stored', async () => {
    const router = cachedRouter(() => new Response(bodyOf(65, 'end'), { headers: { 'content-length': '65' } }));
    await router.send('/task/api/x');
    const hit = await router.send('/task/api/x');
    expect(hit.response.headers.get('x-cache')).toBe('HIT');
    expect(hit.text).toBe('a'.repeat(65));
  });
});

describe('Edge cache: Vary and encodings (item 2)', () => {
  it('keeps one variant per value of the varied header, absent included', async () => {
    const router = cachedRouter((h) => new Response(`user=${h.get('x-user') ?? '-'}`, { headers: { vary: 'X-User' } }));
    const as = (user?: string) => router.send('/task/api/me', user ? { headers: { 'x-user': user } } : undefined);

    expect((await as('alice')).text).toBe('user=alice');
    expect((await as('bob')).text).toBe('user=bob');
    expect((await as()).text).toBe('user=-');
    const again = await as('alice');

    expect(again.response.headers.get('x-cache')).toBe('HIT');
    expect(again.text).toBe('user=alice');
    expect(router.calls).toHaveLength(3);
  });

  it('never stores Vary: *', async () => {
    const router = cachedRouter(() => new Response('x', { headers: { vary: '*' } }));
    await router.send('/task/api/x');
    expect((await router.send('/task/api/x')).response.headers.get('x-cache')).toBe('MISS');
  });

  it('a gzip body is never served to a client that did not accept gzip, even without Vary from the provider', async () => {
    // The provider honours Accept-Encoding but forgets Vary.
    const router = cachedRouter((h) =>
      h.get('accept-encoding')?.includes('gzip') ? new Response('GZ', { headers: { 'content-encoding': 'gzip' } }) : new Response('plain'),
    );

    await router.send('/task/api/x', { headers: { 'accept-encoding': 'gzip, br' } });
    const plain = await router.send('/task/api/x');
    const gzipAgain = await router.send('/task/api/x', { headers: { 'accept-encoding': 'br;q=0.5, GZIP' } });

    expect(plain.response.headers.get('content-encoding')).toBeNull();
    expect(plain.text).toBe('plain');
    expect(gzipAgain.response.headers.get('x-cache')).toBe('HIT');
  });
});

/** The HTTP date `seconds` after the routers' clock starts. */
const httpDate = (seconds: number) => new Date(1_800_000_000_000 + seconds * 1000).toUTCString();

describe('Edge cache: Cache-Control, Expires and Age (item 3, SPEC 6)', () => {
  const neverStored = ['no-cache', 'no-cache="Set-Cookie"', 'max-age=0', 's-maxage=0, max-age=60'];
  it.each(neverStored)('never stores Cache-Control: %s', async (control) => {
    const router = cachedRouter(() => new Response('x', { headers: { 'cache-control': control } }));
    await router.send('/task/api/x');
    expect((await router.send('/task/api/x')).response.headers.get('x-cache')).toBe('MISS');
  });

  it.each<[string, number, Record<string, string>]>([
    ['max-age=10', 10, { 'cache-control': 'max-age=10' }],
    ['s-maxage=5 over max-age=30', 5, { 'cache-control': 's-maxage=5, max-age=30' }],
    ['Expires 20 s after Date', 20, { date: httpDate(0), expires: httpDate(20) }],
    ['a past Expires', 0, { expires: 'Thu, 01 Jan 1970 00:00:00 GMT' }],
    ['an invalid Expires', 0, { expires: '0' }],
    ['Age 50 of a 60 s TTL', 10, { age: '50' }],
  ])('%s: fresh for %i s', async (_name, seconds, headers) => {
    const router = cachedRouter(() => new Response('x', { headers }));
    await router.send('/task/api/x');
    if (seconds > 0) {
      router.advance(seconds - 1);
      expect((await router.send('/task/api/x')).response.headers.get('x-cache')).toBe('HIT');
    }
    router.advance(1);
    expect((await router.send('/task/api/x')).response.headers.get('x-cache')).toBe('MISS');
  });

  it('a HIT keeps the provider headers (Expires included) and counts Age from the provider Age', async () => {
    const expires = new Date(1_800_000_000_000 + 3600_000).toUTCString();
    const router = cachedRouter(() => new Response('x', { headers: { age: '7', expires, 'x-provider': 'kept' } }));
    await router.send('/task/api/x');
    router.advance(3);
    const hit = (await router.send('/task/api/x')).response;
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('age')).toBe('10');
    expect(hit.headers.get('expires')).toBe(expires);
    expect(hit.headers.get('x-provider')).toBe('kept');
  });

  it.each(['must-revalidate', 'proxy-revalidate'])('%s: never served STALE, the provider error is the answer', async (control) => {
    const first = () => new Response('x', { headers: { 'cache-control': `max-age=5, ${control}` } });
    const router = cachedRouter((_h, n) => (n === 1 ? first() : new Response('down', { status: 503 })));
    await router.send('/task/api/x');
    router.advance(6);
    const answer = (await router.send('/task/api/x')).response;
    expect(answer.status).toBe(503);
    expect(answer.headers.get('x-cache')).not.toBe('STALE');
  });
});

describe('Edge cache: the key holds the host (item 4) and writes drop entries (SPEC 6)', () => {
  it('an answer made for Host: evil.example is never served to another host', async () => {
    const router = cachedRouter((h) => new Response(`for ${h.get('x-forwarded-host')}`));
    await router.send('/task/api/x', { headers: { host: 'evil.example' } });
    const honest = await router.send('/task/api/x', { headers: { host: 'edge.example' } });
    expect(honest.text).toBe('for edge.example');
    expect((await router.send('/task/api/x', { headers: { host: 'EVIL.example' } })).response.headers.get('x-cache')).toBe('HIT');
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('a successful %s drops the GET and HEAD entries of its URL, every variant', async (m) => {
    let version = 1;
    const vary = { vary: 'Accept-Language' };
    const router = cachedRouter((h) => new Response(`v${version} ${h.get('accept-language') ?? '-'}`, { headers: vary }));
    const get = (lang: string, m = 'GET') => router.send('/task/api/item', { method: m, headers: { 'accept-language': lang } });
    await get('fr');
    await get('en');
    await get('en', 'HEAD');
    await router.send('/task/api/other');

    version = 2;
    await router.send('/task/api/item', { method: m, body: '{}' });
    router.advance(1);
    await get('en'); // a new variant after the write must not bring the old ones back

    expect((await get('fr')).text).toBe('v2 fr');
    expect((await get('en', 'HEAD')).response.headers.get('x-cache')).toBe('MISS');
    expect((await router.send('/task/api/other')).response.headers.get('x-cache')).toBe('HIT');
  });

  it('an answer still arriving when a write to its URL succeeds is not stored after the write', async () => {
    // Prepare: the GET's body is held open until the POST has been answered
    let release!: () => void;
    const slow = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('before the write'));
        release = () => controller.close();
      },
    });
    const router = cachedRouter((_h, n) => (n === 1 ? new Response(slow) : new Response(n === 2 ? 'written' : 'after the write')));

    // Act
    const reading = router.send('/task/api/x');
    await new Promise((r) => setTimeout(r, 10));
    router.advance(1);
    await router.send('/task/api/x', { method: 'PUT', body: '{}' });
    release();
    await reading;
    router.advance(1);
    const next = await router.send('/task/api/x');

    // Assess
    expect(next.response.headers.get('x-cache')).toBe('MISS');
    expect(next.text).toBe('after the write');
  });

  it('a failed write keeps the entries', async () => {
    const router = cachedRouter((_h, n) => (n === 2 ? new Response('nope', { status: 409 }) : new Response('x')));
    await router.send('/task/api/x');
    await router.send('/task/api/x', { method: 'POST', body: '{}' });
    expect((await router.send('/task/api/x')).response.headers.get('x-cache')).toBe('HIT');
  });
});
