/**
 * Hostile input for the edge cache (issue 11, items 1-4, SPEC 6): one row per way an answer or a
 * request tries to poison the cache or to be served to someone it was not meant for, every
 * runtime. Every row name starts with `hostile cache:` so that `-t hostile` and `-t cache` both
 * run the table. Every row uses paths of its own, so entries never carry over.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { expect } from 'vitest';
import type { Answer } from '../client.ts';
import { SendError } from '../client.ts';
import type { RecordedRequest, Reply } from '../../support/upstream.ts';
import { appConfig, sleep, type Scenario, type World } from '../world.ts';

/** How long a background cache write may take before the next request looks for it. */
const SETTLE_MS = 300;

/** A cached route for `app` on provider 1 (upstream a), TTL 30 s unless `ttl` says otherwise. */
const cached =
  (app: string, ttl = 30) =>
  (w: World) =>
    appConfig(w, app, '1', { cache: true, cache_ttl_seconds: ttl });

/** A reply that reflects one request header in the body, so a wrong variant shows. */
function reflect(header: string, headers: Record<string, string> = {}): (r: RecordedRequest) => Reply {
  return (r) => ({ headers, body: `${header}=${String(r.headers[header] ?? '-')}` });
}

/** Does this request accept gzip (any spelling, not `q=0`)? */
function acceptsGzip(r: RecordedRequest): boolean {
  return String(r.headers['accept-encoding'] ?? '')
    .split(',')
    .some((part) => /^\s*gzip\s*(;\s*q=(?!0(\.0*)?\s*$)[\d.]+)?\s*$/i.test(part));
}

/** The body as text, decoded by its `Content-Encoding` (gzip or br). */
function decoded(answer: Answer): string {
  const coding = answer.header('content-encoding');
  if (coding === 'gzip') return gunzipSync(answer.body).toString('utf8');
  return coding === 'br' ? brotliDecompressSync(answer.body).toString('utf8') : answer.text;
}

/** Sends, then waits for the background cache write of that answer. */
async function sendSettled(w: World, target: string, headers: Record<string, string> = {}): Promise<Answer> {
  const answer = await w.send(target, { headers });
  await sleep(SETTLE_MS);
  return answer;
}

/** Two requests with `headers`: the second must not come from the cache. */
async function expectNotStored(w: World, target: string, what: string, headers: Record<string, string> = {}): Promise<void> {
  await sendSettled(w, target, headers);
  const second = await w.send(target, { headers });
  expect(second.header('x-cache'), `${what}: must not be stored`).not.toBe('HIT');
}

export const hostileCacheScenarios: Scenario[] = [
  {
    name: 'hostile cache: a body that breaks off short of its Content-Length is never stored nor replayed (item 1)',
    spec: '6',
    config: cached('hc-cut'),
    setup: (w) => w.a.set({ headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(1000), closeMidBody: true }),
    async run(w) {
      const first = await w.send('/hc-cut/api/x').catch((error: unknown) => error);
      if (!(first instanceof SendError)) expect((first as Answer).body.length, 'a cut body is never passed on as whole').toBeLessThan(1000);
      await sleep(SETTLE_MS);
      w.a.set({ headers: { 'content-type': 'text/plain' }, body: 'y'.repeat(1000) });
      const second = await w.send('/hc-cut/api/x');
      expect(second.header('x-cache'), 'the broken answer must not be replayed').not.toBe('HIT');
      expect(second.text).toBe('y'.repeat(1000));
      expect(w.a.requests.length).toBe(2);
    },
  },
  {
    name: 'hostile cache: Vary: Accept-Language and Vary: X-User answers are served only to the same header values (item 2)',
    spec: '6',
    config: cached('hc-vary'),
    async run(w) {
      for (const header of ['accept-language', 'x-user']) {
        w.a.set(reflect(header, { vary: header === 'x-user' ? 'X-User' : 'Accept-Language' }));
        const path = `/hc-vary/api/${header}`;
        expect((await sendSettled(w, path, { [header]: 'alice' })).text).toBe(`${header}=alice`);
        const other = await sendSettled(w, path, { [header]: 'bob' });
        expect(other.text, `${header}: another value gets its own answer`).toBe(`${header}=bob`);
        expect(other.header('x-cache')).not.toBe('HIT');
        const none = await sendSettled(w, path);
        expect(none.text, `${header}: no value is a value of its own`).toBe(`${header}=-`);
        const again = await w.send(path, { headers: { [header]: 'alice' } });
        expect(again.header('x-cache'), `${header}: each variant is kept`).toBe('HIT');
        expect(again.text).toBe(`${header}=alice`);
      }
      expect(w.a.requests.length).toBe(6);
    },
  },
  {
    name: 'hostile cache: an answer with Vary: * is never stored (item 2)',
    spec: '6',
    config: cached('hc-star'),
    setup: (w) => w.a.set(reflect('x-user', { vary: 'Accept, *' })),
    async run(w) {
      await expectNotStored(w, '/hc-star/api/x', 'Vary: *', { 'x-user': 'alice' });
      expect(w.a.requests.length).toBe(2);
    },
  },
  {
    name: 'hostile cache: a gzip body cached for a gzip client is never sent encoded to a client that did not accept gzip (item 2)',
    spec: '6',
    config: cached('hc-gzip'),
    // The provider honours Accept-Encoding but forgets `Vary`: the router must not rely on it.
    setup: (w) => w.a.set((r) => ({ gzip: acceptsGzip(r), headers: { 'content-type': 'text/plain' }, body: 'z'.repeat(500) })),
    async run(w) {
      expect(decoded(await sendSettled(w, '/hc-gzip/api/x', { 'accept-encoding': 'gzip' }))).toBe('z'.repeat(500));
      // Each client with the encodings it may get (the Worker's edge may compress with one the client accepts).
      const clients: Array<[string | undefined, string[]]> = [
        [undefined, ['identity']],
        ['identity', ['identity']],
        ['br', ['identity', 'br']],
        ['gzip;q=0', ['identity']],
        ['GZIP;q=0.8', ['identity', 'gzip']],
      ];
      for (const [acceptEncoding, allowed] of clients) {
        const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
        const answer = await w.send('/hc-gzip/api/x', { headers });
        expect(allowed, `Accept-Encoding ${acceptEncoding}`).toContain(answer.header('content-encoding') ?? 'identity');
        expect(decoded(answer)).toBe('z'.repeat(500));
      }
    },
  },
  {
    name: 'hostile cache: Cache-Control no-cache (with or without field names), max-age=0 and s-maxage=0 answers are never stored (item 3)',
    spec: '6',
    config: cached('hc-cc'),
    async run(w) {
      const controls = ['no-cache', 'public, no-cache="Set-Cookie"', 'max-age=0', 'public, s-maxage=0, max-age=60', 'NO-CACHE'];
      for (const [i, control] of controls.entries()) {
        w.a.set({ headers: { 'cache-control': control }, body: control });
        await expectNotStored(w, `/hc-cc/api/${i}`, control);
      }
      expect(w.a.requests.length).toBe(controls.length * 2);
    },
  },
  {
    name: 'hostile cache: a shorter max-age or s-maxage shortens freshness below cache_ttl_seconds (item 3)',
    spec: '6',
    config: cached('hc-short'),
    async run(w) {
      for (const control of ['max-age=1', 's-maxage=1, max-age=60']) {
        w.a.set({ headers: { 'cache-control': control }, body: control });
        const path = `/hc-short/api/${encodeURIComponent(control)}`;
        await sendSettled(w, path);
        expect((await w.send(path)).header('x-cache'), `${control}: fresh at first`).toBe('HIT');
        await sleep(1300);
        expect((await w.send(path)).header('x-cache'), `${control}: stale after 1 s`).toBe('MISS');
      }
    },
  },
  {
    name: 'hostile cache: an answer made for Host: evil.example is never served to another host (item 4)',
    spec: '6',
    config: cached('hc-host'),
    setup: (w) => w.a.set(reflect('x-forwarded-host')),
    async run(w) {
      const evil = await sendSettled(w, '/hc-host/api/x', { host: 'evil.example' });
      expect(evil.status).toBe(200);
      const honest = await w.send('/hc-host/api/x');
      expect(honest.text, 'the evil host answer must not reach another host').not.toContain('evil.example');
      expect(honest.header('x-cache')).not.toBe('HIT');
    },
  },
  {
    name: 'hostile cache: a past or invalid Expires means already stale; a served entry keeps Expires (SPEC 6)',
    spec: '6',
    config: cached('hc-expires'),
    async run(w) {
      for (const expires of ['Thu, 01 Jan 1970 00:00:00 GMT', '0', 'not a date']) {
        w.a.set({ headers: { expires }, body: expires });
        await expectNotStored(w, `/hc-expires/api/${encodeURIComponent(expires)}`, `Expires ${expires}`);
      }
      const future = new Date(Date.now() + 3600_000).toUTCString();
      w.a.set({ headers: { expires: future }, body: 'future' });
      await sendSettled(w, '/hc-expires/api/future');
      const hit = await w.send('/hc-expires/api/future');
      expect(hit.header('x-cache')).toBe('HIT');
      expect(hit.header('expires'), 'the provider Expires is kept on a HIT').toBe(future);
    },
  },
  {
    name: 'hostile cache: the Age an answer arrived with counts against freshness and shows on a HIT (SPEC 6)',
    spec: '6',
    config: cached('hc-age'),
    setup: (w) => w.a.set({ headers: { age: '29' }, body: 'aged' }),
    async run(w) {
      await sendSettled(w, '/hc-age/api/x');
      const hit = await w.send('/hc-age/api/x');
      expect(hit.header('x-cache')).toBe('HIT');
      expect(Number(hit.header('age')), 'Age counted from the provider Age').toBeGreaterThanOrEqual(29);
      await sleep(1300);
      expect((await w.send('/hc-age/api/x')).header('x-cache'), '29 s old on arrival: stale after 1 s of a 30 s TTL').toBe('MISS');
    },
  },
  {
    name: 'hostile cache: an answer with must-revalidate or proxy-revalidate is never served STALE (SPEC 6)',
    spec: '6',
    config: (w) => appConfig(w, 'hc-reval', '1', { cache: true, cache_ttl_seconds: 1 }),
    async run(w) {
      for (const control of ['must-revalidate', 'public, proxy-revalidate']) {
        const path = `/hc-reval/api/${encodeURIComponent(control)}`;
        w.a.set({ headers: { 'cache-control': control }, body: control });
        await sendSettled(w, path);
        await sleep(1300);
        w.a.set({ status: 503, body: 'down' });
        const answer = await w.send(path);
        expect(answer.header('x-cache'), control).not.toBe('STALE');
        expect(answer.status).toBe(503);
      }
    },
  },
  {
    name: 'hostile cache: a successful POST, PUT, PATCH or DELETE drops the cached entries of its URL (SPEC 6)',
    spec: '6',
    config: cached('hc-write'),
    async run(w) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const path = `/hc-write/api/${method}?q=1`;
        await sendSettled(w, path);
        await w.send(path, { method: 'HEAD' });
        await sleep(SETTLE_MS);
        expect((await w.send(path)).header('x-cache'), `${method}: cached before the write`).toBe('HIT');
        await sendSettled(w, path.replace('?q=1', '?q=2'));
        expect((await w.send(path, { method, body: '{}' })).status).toBe(200);
        await sleep(SETTLE_MS);
        expect((await w.send(path)).header('x-cache'), `${method}: GET after the write`).toBe('MISS');
        expect((await w.send(path, { method: 'HEAD' })).header('x-cache'), `${method}: HEAD after the write`).toBe('MISS');
        expect((await w.send(path.replace('?q=1', '?q=2'))).header('x-cache'), `${method}: another query keeps its entry`).toBe('HIT');
      }
    },
  },
];
