/**
 * SPEC 6: the edge cache: MISS then HIT with `Age`, the key (method + host + path + query), STALE
 * when every provider fails after the TTL, and everything that must never be cached or served from
 * it. Hostile answers and requests (broken bodies, `Vary`, encodings, `Cache-Control`, `Host`) are
 * rows of `hostileCache.ts`. Every scenario uses paths of its own, so entries never carry over.
 */
import { expect } from 'vitest';
import type { Reply } from '../../support/upstream.ts';
import { appConfig, expectEcho, sleep, type Scenario } from '../world.ts';

export const cacheScenarios: Scenario[] = [
  {
    name: 'a cacheable GET is a MISS then a HIT with Age; the query is part of the key',
    spec: '6',
    config: (u) => appConfig(u, 'cache-hit', '1', { cache: true, cache_ttl_seconds: 30 }),
    async run(w) {
      const miss = await w.send('/cache-hit/api/x?v=1');
      expectEcho(miss, w.a);
      expect(miss.header('x-cache')).toBe('MISS');
      const hit = await w.send('/cache-hit/api/x?v=1');
      expect(hit.status).toBe(200);
      expect(hit.header('x-cache')).toBe('HIT');
      expect(hit.text).toBe(miss.text);
      expect(hit.header('age'), 'Age on a HIT').toMatch(/^\d+$/);
      expect(w.a.requests.length).toBe(1);
      const other = await w.send('/cache-hit/api/x?v=2');
      expect(other.header('x-cache')).toBe('MISS');
      const otherPath = await w.send('/cache-hit/api/y?v=1');
      expect(otherPath.header('x-cache')).toBe('MISS');
      expect(w.a.requests.length).toBe(3);
    },
  },
  {
    name: 'after the TTL, when every provider fails, the old entry is served as STALE',
    spec: '6',
    config: (u) => appConfig(u, 'cache-stale', '12', { cache: true, cache_ttl_seconds: 1 }),
    async run(w) {
      const miss = await w.send('/cache-stale/api/x');
      expect(miss.header('x-cache')).toBe('MISS');
      await sleep(1300);
      w.a.set({ status: 503 });
      w.b.set({ status: 502 });
      const stale = await w.send('/cache-stale/api/x');
      expect(stale.status).toBe(200);
      expect(stale.header('x-cache')).toBe('STALE');
      expect(stale.text).toBe(miss.text);
      expect(Number(stale.header('age'))).toBeGreaterThanOrEqual(1);
      expect(w.a.requests.length, 'the stale entry is served only after the providers were tried').toBe(2);
      w.a.reset();
      w.b.reset();
      const fresh = await w.send('/cache-stale/api/x');
      expectEcho(fresh, w.a);
      expect(fresh.header('x-cache')).toBe('MISS');
    },
  },
  {
    name: 'requests with Authorization, Cookie or the route auth header are neither cached nor served from cache',
    spec: '6',
    config: (u) =>
      appConfig(u, 'cache-req', '1', {
        cache: true,
        cache_ttl_seconds: 30,
        auth: { header: 'X-Admin-Key', value: '${CONF_ADMIN_KEY}', methods: ['POST'] },
      }),
    async run(w) {
      const credentials: Array<Record<string, string>> = [
        { authorization: 'Bearer t' },
        { cookie: 'session=1' },
        { 'x-admin-key': 'anything' },
      ];
      for (const headers of credentials) {
        for (let i = 0; i < 2; i += 1) {
          const answer = await w.send('/cache-req/api/x', { headers });
          expectEcho(answer, w.a);
          expect(answer.header('x-cache'), JSON.stringify(headers)).not.toBe('HIT');
        }
      }
      expect(w.a.requests.length).toBe(6);
      // None of those answers was stored: the first plain request still goes to the provider.
      expect((await w.send('/cache-req/api/x')).header('x-cache')).toBe('MISS');
      expect((await w.send('/cache-req/api/x')).header('x-cache')).toBe('HIT');
      // And a cached entry is not served to a request with credentials either.
      const withAuth = await w.send('/cache-req/api/x', { headers: { authorization: 'Bearer t' } });
      expect(withAuth.header('x-cache')).not.toBe('HIT');
      expect(w.a.requests.length).toBe(8);
    },
  },
  {
    name: 'answers with Set-Cookie, Cache-Control no-store or private, or a status other than 200 are not cached',
    spec: '6',
    config: (u) => appConfig(u, 'cache-resp', '1', { cache: true, cache_ttl_seconds: 30 }),
    setup(w) {
      w.a.set((request): Reply => {
        if (request.url.endsWith('/cookie')) return { headers: { 'set-cookie': 'k=v' }, body: 'with cookie' };
        if (request.url.endsWith('/no-store')) return { headers: { 'cache-control': 'no-store' }, body: 'no-store' };
        if (request.url.endsWith('/private')) return { headers: { 'cache-control': 'private, max-age=60' }, body: 'private' };
        if (request.url.endsWith('/created')) return { status: 201, body: 'created' };
        if (request.url.endsWith('/teapot')) return { status: 418, body: 'teapot' };
        return { body: 'plain' };
      });
    },
    async run(w) {
      for (const path of ['cookie', 'no-store', 'private', 'created', 'teapot']) {
        for (let i = 0; i < 2; i += 1) {
          const answer = await w.send(`/cache-resp/api/${path}`);
          expect(answer.header('x-cache'), path).not.toBe('HIT');
        }
      }
      expect(w.a.requests.length).toBe(10);
    },
  },
  {
    name: 'only GET and HEAD are cached: POST always reaches the provider',
    spec: '6',
    config: (u) => appConfig(u, 'cache-post', '1', { cache: true, cache_ttl_seconds: 30 }),
    async run(w) {
      for (let i = 0; i < 2; i += 1) {
        const answer = await w.send('/cache-post/api/x', { method: 'POST', body: '{}' });
        expectEcho(answer, w.a);
        expect(answer.header('x-cache')).not.toBe('HIT');
      }
      expect(w.a.requests.length).toBe(2);
      // A POST to a path does not fill the cache for a GET of it.
      expect((await w.send('/cache-post/api/x')).header('x-cache')).toBe('MISS');
    },
  },
  {
    name: 'HEAD is cached under its own key',
    spec: '6',
    config: (u) => appConfig(u, 'cache-head', '1', { cache: true, cache_ttl_seconds: 30 }),
    async run(w) {
      expect((await w.send('/cache-head/api/x', { method: 'HEAD' })).header('x-cache')).toBe('MISS');
      const hit = await w.send('/cache-head/api/x', { method: 'HEAD' });
      expect(hit.status).toBe(200);
      expect(hit.header('x-cache')).toBe('HIT');
      expect(hit.body.length).toBe(0);
      // The key holds the method: a GET is not answered from the HEAD entry (which has no body).
      const get = await w.send('/cache-head/api/x');
      expect(get.header('x-cache')).toBe('MISS');
      expectEcho(get, w.a);
      expect(w.a.requests.map((r) => r.method)).toEqual(['HEAD', 'GET']);
    },
  },
  {
    name: 'a route with cache false (the default) never caches',
    spec: '1, 6',
    config: (u) => appConfig(u, 'cache-off', '1'),
    async run(w) {
      for (let i = 0; i < 3; i += 1) expect((await w.send('/cache-off/api/x')).header('x-cache')).not.toBe('HIT');
      expect(w.a.requests.length).toBe(3);
    },
  },
];
