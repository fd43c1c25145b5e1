import { describe, expect, it } from 'vitest';
import { scriptedRouter } from './routerHarness.ts';

const providers = { '1': 'http://one.test', '2': 'http://two.test/base/', '3': 'http://three.test' };
const cfg = (extra: Record<string, unknown> = {}, route: Record<string, unknown> = {}) => ({
  providers,
  timeout_ms: 50,
  routes: { task: { priority: '123', ...route } },
  ...extra,
});

describe('Function: createRouter', () => {
  describe('SPEC 2: which requests are routed', () => {
    it.each([
      ['/task/api', 200],
      ['/task/api/items/1', 200],
      ['/task/api/../api/x', 200],
      ['/task/%2e%2e/task/api/x', 200],
      ['/task/apix', 404],
      ['/task', 404],
      ['/static/index.html', 404],
    ])('%s -> %i', async (path, status) => {
      const { get } = scriptedRouter(cfg(), { '1': 200 });
      expect((await get(path)).status).toBe(status);
    });

    it('returns null from handle() for non-routed paths so the adapter can serve them', async () => {
      const { router } = scriptedRouter(cfg(), { '1': 200 });
      expect(await router.handle(new Request('http://router.test/index.html'))).toBeNull();
    });

    it('unknown app with empty global_priority: 404 unknown app; listed app with empty priority: 503', async () => {
      const { get, calls } = scriptedRouter({ providers, routes: { task: { priority: '' } } }, { '1': 200 });
      const unknown = await get('/other/api/x');
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: 'unknown app' });
      expect((await get('/task/api/x')).status).toBe(503);
      expect(calls).toHaveLength(0);
    });

    it('unlisted app uses global_priority', async () => {
      const { get, calls } = scriptedRouter({ providers, global_priority: '3' }, { '3': 200 });
      expect((await get('/other/api/x')).status).toBe(200);
      expect(calls[0].provider).toBe('3');
    });

    it('/_config/route shows the effective routing and never auth.value', async () => {
      const { get } = scriptedRouter(
        { providers, global_priority: '21', routes: { task: { priority: '213', auth: { header: 'X-Admin-Key', value: 'sekret' } } } },
        {},
        { env: { TASK_ROUTE_PRIORITY: '31' } },
      );
      const res = await get('/_config/route');
      const text = await res.text();
      expect(text).not.toContain('sekret');
      expect(JSON.parse(text)).toMatchObject({
        source: 'file',
        last_error: null,
        global_priority: '21',
        providers: { '1': 'http://one.test', '2': 'http://two.test/base' },
        apps: { task: { order: ['3', '1'], priority_source: 'env' } },
      });
    });
  });

  describe('SPEC 3: one request', () => {
    it('builds the upstream URL from origin + prefix + normalised path + query', async () => {
      const { get, calls } = scriptedRouter(cfg({}, { priority: '2' }), { '2': 200 });
      await get('/task/api/a/./b/../c?x=1&x=2');
      expect(calls[0].url).toBe('http://two.test/base/task/api/a/c?x=1&x=2');
    });

    it('falls back on 404/5xx/timeout/refused in order and reports each attempt', async () => {
      const { get, calls } = scriptedRouter(cfg({ backend_source: 'id' }), { '1': 'timeout', '2': 503, '3': 200 });
      const res = await get('/task/api/x');
      expect(res.status).toBe(200);
      expect(calls.map((c) => c.provider)).toEqual(['1', '2', '3']);
      expect(res.headers.get('x-backend-source')).toBe('3');
      expect(res.headers.get('x-route-attempts')).toBe('3');
      expect(res.headers.get('server-timing')).toMatch(
        /^p1;desc="1 timeout";dur=[\d.]+, p2;desc="2 503";dur=[\d.]+, p3;desc="3 200";dur=[\d.]+$/,
      );
    });

    it.each([400, 401, 403, 409, 422, 429, 302])('does not fall back on %i', async (status) => {
      const { get, calls } = scriptedRouter(cfg(), { '1': status, '2': 200 });
      expect((await get('/task/api/x')).status).toBe(status);
      expect(calls).toHaveLength(1);
    });

    it('replays the same method, headers and body on fallback', async () => {
      const { get, calls } = scriptedRouter(cfg(), { '1': 500, '2': 201 });
      await get('/task/api/x', { method: 'POST', body: '{"a":1}', headers: { 'x-admin-key': 'k', 'content-type': 'application/json' } });
      expect(calls.map((c) => [c.method, c.body, c.headers.get('x-admin-key')])).toEqual([
        ['POST', '{"a":1}', 'k'],
        ['POST', '{"a":1}', 'k'],
      ]);
    });

    it('answers 413 above max_body_bytes without contacting anyone', async () => {
      const { get, calls } = scriptedRouter(cfg({ max_body_bytes: 4 }), { '1': 200 });
      expect((await get('/task/api/x', { method: 'POST', body: '12345' })).status).toBe(413);
      expect(calls).toHaveLength(0);
    });

    // Issue 11 item 7: reading the body counts against deadline_ms.
    it.each([
      ['stalls', false],
      ['arrives whole, but only after the deadline', true],
    ])('a body that %s answers 408 JSON with Connection: close, never a 5xx, contacting no one', async (_what, completes) => {
      // Prepare: a body that sends one piece, then waits past the 200 ms deadline.
      const { get, calls } = scriptedRouter(cfg({ deadline_ms: 200 }), { '1': 200 });
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('part'));
          // The router may have cancelled the stream by then: closing it late is then a no-op.
          if (completes)
            setTimeout(() => {
              try {
                controller.close();
              } catch {}
            }, 300);
        },
      });
      // Act
      const res = await get('/task/api/x', { method: 'POST', body, duplex: 'half' } as RequestInit);
      // Assess
      expect(res.status).toBe(408);
      expect(res.headers.get('connection')).toBe('close');
      expect(((await res.json()) as { deadline_ms: number }).deadline_ms).toBe(200);
      expect(calls).toHaveLength(0);
    });

    it('exhaustion: the last real answer wins (404 everywhere stays 404)', async () => {
      const { get } = scriptedRouter(cfg(), { '1': 404, '2': 404, '3': 404 });
      const res = await get('/task/api/x');
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ provider: '3' });
    });

    it('exhaustion: an earlier status answer beats later connection failures', async () => {
      const { get } = scriptedRouter(cfg(), { '1': 503, '2': 'refused', '3': 'timeout' });
      const res = await get('/task/api/x');
      expect(res.status).toBe(503);
      expect(res.headers.get('x-route-attempts')).toBe('3');
    });

    it('exhaustion: 502 JSON with attempts when nothing answered, 504 when the last failure was a timeout', async () => {
      const refused = scriptedRouter(cfg(), { '1': 'refused', '2': 'refused', '3': 'refused' });
      const res = await refused.get('/task/api/x');
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({
        error: expect.any(String),
        app: 'task',
        attempts: [{ provider: '1', outcome: 'error' }, { provider: '2' }, { provider: '3' }],
      });
      const timedOut = scriptedRouter(cfg(), { '1': 'refused', '2': 'refused', '3': 'timeout' });
      const res2 = await timedOut.get('/task/api/x');
      expect(res2.status).toBe(504);
      expect((await res2.json()).attempts[2]).toMatchObject({ provider: '3', outcome: 'timeout' });
    });

    it('stops at the deadline', async () => {
      const { get, calls } = scriptedRouter(cfg({ timeout_ms: 40, deadline_ms: 60 }), { '1': 'timeout', '2': 'timeout', '3': 200 });
      const res = await get('/task/api/x');
      expect(res.status).toBe(504);
      expect(calls.length).toBeLessThanOrEqual(2);
    });

    describe('idempotent_only', () => {
      it('a POST that was refused falls back', async () => {
        const { get, calls } = scriptedRouter(cfg({ idempotent_only: true }), { '1': 'refused', '2': 201 });
        expect((await get('/task/api/x', { method: 'POST', body: 'x' })).status).toBe(201);
        expect(calls).toHaveLength(2);
      });
      it('a POST answered 503 ends there', async () => {
        const { get, calls } = scriptedRouter(cfg({ idempotent_only: true }), { '1': 503, '2': 201 });
        expect((await get('/task/api/x', { method: 'POST', body: 'x' })).status).toBe(503);
        expect(calls).toHaveLength(1);
      });
      it('a POST that timed out answers 504', async () => {
        const { get, calls } = scriptedRouter(cfg({ idempotent_only: true }), { '1': 'timeout', '2': 201 });
        expect((await get('/task/api/x', { method: 'PATCH', body: 'x' })).status).toBe(504);
        expect(calls).toHaveLength(1);
      });
      it('a GET still falls back', async () => {
        const { get } = scriptedRouter(cfg({ idempotent_only: true }), { '1': 'timeout', '2': 200 });
        expect((await get('/task/api/x')).status).toBe(200);
      });
    });

    it('adds forwarding and loop-guard headers, strips hop-by-hop ones', async () => {
      const { router, calls } = scriptedRouter(cfg(), { '1': 200 });
      await router.fetch(
        new Request('http://router.test/task/api/x', {
          headers: {
            'x-forwarded-for': '10.0.0.1',
            connection: 'x-secret',
            'x-secret': '1',
            'keep-alive': '5',
            'proxy-authorization': 'p',
            te: 'trailers',
            authorization: 'Bearer t',
            cookie: 'a=1',
            traceparent: '00-abc-def-01',
            'x-request-id': 'rid-1',
          },
        }),
        { clientAddress: '203.0.113.9' },
      );
      const h = calls[0].headers;
      expect(h.get('x-forwarded-for')).toBe('10.0.0.1, 203.0.113.9');
      expect(h.get('x-forwarded-host')).toBe('router.test');
      expect(h.get('x-forwarded-proto')).toBe('http');
      expect(h.get('x-request-id')).toBe('rid-1');
      expect(h.get('x-no-fallback')).toBe('1');
      expect(h.get('x-route-hops')).toBe('1');
      for (const name of ['connection', 'x-secret', 'keep-alive', 'proxy-authorization', 'te', 'host']) expect(h.has(name)).toBe(false);
      for (const name of ['authorization', 'cookie', 'traceparent']) expect(h.has(name)).toBe(true);
    });

    it('keeps every Set-Cookie and removes hop-by-hop response headers', async () => {
      const { get } = scriptedRouter(cfg(), {
        '1': () => {
          const headers = new Headers({ connection: 'x-hop', 'x-hop': '1', 'keep-alive': 'timeout=5', 'x-app': 'y' });
          headers.append('set-cookie', 'a=1; Path=/');
          headers.append('set-cookie', 'b=2; Path=/');
          return new Response('ok', { headers });
        },
      });
      const res = await get('/task/api/x');
      expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
      expect(res.headers.has('x-hop')).toBe(false);
      expect(res.headers.has('keep-alive')).toBe(false);
      expect(res.headers.get('x-app')).toBe('y');
    });

    it('X-Backend-Source per backend_source: url, id, off', async () => {
      for (const [mode, expected] of [
        ['url', 'http://two.test/base'],
        ['id', '2'],
        ['off', null],
      ] as const) {
        const { get } = scriptedRouter(cfg({ backend_source: mode }, { priority: '2' }), { '2': 200 });
        expect((await get('/task/api/x')).headers.get('x-backend-source')).toBe(expected);
      }
    });

    it('answers 400 to malformed percent-encoding without contacting anyone', async () => {
      const { get, calls } = scriptedRouter(cfg(), { '1': 200 });
      expect((await get('/task/api/%E0%A4%A')).status).toBe(400);
      expect(calls).toHaveLength(0);
    });
  });

  describe('SPEC 4: self and loops', () => {
    it('508 at max_hops without contacting anyone', async () => {
      const { get, calls } = scriptedRouter(cfg({ max_hops: 2 }), { '1': 200 });
      expect((await get('/task/api/x', { headers: { 'x-route-hops': '2' } })).status).toBe(508);
      expect((await get('/task/api/x', { headers: { 'x-route-hops': '1' } })).status).toBe(200);
      expect(calls).toHaveLength(1);
    });

    it('X-No-Fallback: exactly one attempt at the first provider left', async () => {
      const { get, calls } = scriptedRouter(cfg(), { '1': 503, '2': 200 });
      expect((await get('/task/api/x', { headers: { 'x-no-fallback': '1' } })).status).toBe(503);
      expect(calls).toHaveLength(1);
    });

    it('X-No-Fallback with a local handler: served in-process only', async () => {
      const { get, calls } = scriptedRouter(cfg(), { '1': 200 }, { self: '3', local: async () => new Response('local', { status: 200 }) });
      const res = await get('/task/api/x', { headers: { 'x-no-fallback': '1' } });
      expect(await res.text()).toBe('local');
      expect(calls).toHaveLength(0);
    });

    it('self (ROUTE_SELF) is served by the local handler and judged like any attempt', async () => {
      const seen: string[] = [];
      const { get, calls } = scriptedRouter(
        cfg(),
        { '2': 200 },
        { self: '1', local: async (r) => (seen.push(r.method), new Response('nope', { status: 404 })) },
      );
      const res = await get('/task/api/x');
      expect(res.status).toBe(200);
      expect(seen).toEqual(['GET']);
      expect(calls.map((c) => c.provider)).toEqual(['2']);
      expect(res.headers.get('server-timing')).toContain('p1;desc="1 404"');
    });

    it('self without a local handler is skipped, by ROUTE_SELF and by Host origin', async () => {
      const bySelf = scriptedRouter(cfg(), { '2': 200 }, { self: '1' });
      await bySelf.get('/task/api/x');
      expect(bySelf.calls.map((c) => c.provider)).toEqual(['2']);
      const byHost = scriptedRouter({ ...cfg(), providers: { ...providers, '1': 'http://router.test' } }, { '2': 200 });
      await byHost.get('/task/api/x');
      expect(byHost.calls.map((c) => c.provider)).toEqual(['2']);
    });
  });

  describe('SPEC 5: circuit breaker', () => {
    it('skips an open provider, reports it in health, and tries all when all are open', async () => {
      let now = 0;
      const { get, calls, router } = scriptedRouter(
        cfg({ breaker: { failures: 2, cooldown_ms: 1000 } }),
        { '1': 503, '2': 200, '3': 200 },
        { wall: () => now },
      );
      await get('/task/api/x');
      await get('/task/api/x');
      calls.length = 0;
      await get('/task/api/x');
      expect(calls.map((c) => c.provider)).toEqual(['2']);
      const health = await (await router.fetch(new Request('http://router.test/_router/health'))).json();
      expect(health.status).toBe('ok');
      expect(health.providers['1']).toEqual({ state: 'open', consecutive_failures: 2 });
      expect(health.providers['2']).toEqual({ state: 'closed', consecutive_failures: 0 });
      now = 1000;
      calls.length = 0;
      await get('/task/api/x');
      expect(calls.map((c) => c.provider)).toEqual(['1', '2']); // the half-open probe
    });

    it('never turns degraded into down: all open are tried in order', async () => {
      const { get, calls } = scriptedRouter(cfg({ breaker: { failures: 1, cooldown_ms: 60000 } }, { priority: '12' }), {
        '1': ['timeout', 200],
        '2': ['refused', 200],
      });
      expect((await get('/task/api/x')).status).toBe(502); // last failure: refused
      calls.length = 0;
      expect((await get('/task/api/x')).status).toBe(200);
      expect(calls.map((c) => c.provider)).toEqual(['1']);
    });

    it('404 is a success for the breaker', async () => {
      const { get, router } = scriptedRouter(cfg({ breaker: { failures: 1, cooldown_ms: 60000 } }), { '1': 404, '2': 200 });
      await get('/task/api/x');
      const health = await (await router.fetch(new Request('http://router.test/_router/health'))).json();
      expect(health.providers['1'].state).toBe('closed');
    });
  });

  describe('SPEC 6: edge cache', () => {
    const cached = (extra: Record<string, unknown> = {}) => cfg({}, { priority: '1', cache: true, cache_ttl_seconds: 10, ...extra });

    it('MISS then HIT with Age, then STALE when every provider fails within 10 minutes past the TTL', async () => {
      let now = 1_000_000;
      const { get, calls } = scriptedRouter(cached(), { '1': [200, 500, 500] }, { wall: () => now });
      const miss = await get('/task/api/x?q=1');
      expect(miss.headers.get('x-cache')).toBe('MISS');
      // No wait for the background store: a MISS read to its end is stored already (edgeCacheStep.ts).
      await miss.text();
      now += 3000;
      const hit = await get('/task/api/x?q=1');
      expect(hit.headers.get('x-cache')).toBe('HIT');
      expect(hit.headers.get('age')).toBe('3');
      expect(hit.headers.get('x-route-attempts')).toBe('0');
      expect(hit.headers.has('server-timing')).toBe(false);
      expect(hit.headers.get('x-backend-source')).toBe('http://one.test');
      expect(await hit.json()).toEqual({ provider: '1' });
      expect(calls).toHaveLength(1);
      now += 20_000;
      const stale = await get('/task/api/x?q=1');
      expect(stale.status).toBe(200);
      expect(stale.headers.get('x-cache')).toBe('STALE');
      expect(stale.headers.get('x-route-attempts')).toBe('1');
      expect(stale.headers.get('server-timing')).toMatch(/^p1;desc="1 500"/);
      now += 700_000;
      expect((await get('/task/api/x?q=1')).status).toBe(500);
    });

    it.each([
      ['Authorization', { authorization: 'Bearer x' }],
      ['Cookie', { cookie: 'a=1' }],
    ])('does not cache requests with %s', async (_n, headers) => {
      const { get, calls, settled } = scriptedRouter(cached(), { '1': 200 });
      await (await get('/task/api/x', { headers })).text();
      await settled();
      await (await get('/task/api/x', { headers })).text();
      expect(calls).toHaveLength(2);
    });

    it.each([
      ['Set-Cookie', { 'set-cookie': 'a=1' }],
      ['no-store', { 'cache-control': 'no-store' }],
      ['private', { 'cache-control': 'private, max-age=60' }],
    ])('does not store answers with %s', async (_n, headers) => {
      const { get, calls, settled } = scriptedRouter(cached(), { '1': () => new Response('x', { headers }) });
      await (await get('/task/api/x')).text();
      await settled();
      await (await get('/task/api/x')).text();
      expect(calls).toHaveLength(2);
    });
  });

  it('drain: every routed request answers 503 without contacting anyone; health still answers', async () => {
    const { ConfigManager, createRouter } = await import('../../shared/index.ts');
    const calls: string[] = [];
    const manager = new ConfigManager({ source: 'file', read: async () => ({ text: JSON.stringify(cfg()) }), env: {} });
    const router = createRouter({ config: manager, fetch: async (u) => (calls.push(u), new Response('x')), drain: true, log: () => {} });
    const res = await router.fetch(new Request('http://router.test/task/api/x'));
    expect(res.status).toBe(503);
    expect(calls).toHaveLength(0);
    expect((await router.fetch(new Request('http://router.test/_router/health'))).status).toBe(200);
  });

  describe('route auth', () => {
    const authed = cfg({}, { auth: { header: 'X-Admin-Key', value: 'k1', methods: ['POST'] } });
    it('401 before any provider is contacted when the header is missing or wrong', async () => {
      const { get, calls } = scriptedRouter(authed, { '1': 200 });
      expect((await get('/task/api/x', { method: 'POST', body: 'x' })).status).toBe(401);
      expect((await get('/task/api/x', { method: 'POST', body: 'x', headers: { 'x-admin-key': 'k2' } })).status).toBe(401);
      expect(calls).toHaveLength(0);
      expect((await get('/task/api/x', { method: 'POST', body: 'x', headers: { 'x-admin-key': 'k1' } })).status).toBe(200);
      expect((await get('/task/api/x')).status).toBe(200); // GET not protected
      expect(calls[0].headers.get('x-admin-key')).toBe('k1');
    });
  });

  describe('SPEC 8: one structured log line per routed request', () => {
    it('has the request id, app, attempts, provider, status, ms and config version', async () => {
      const { get, logs, manager } = scriptedRouter(cfg(), { '1': 503, '2': 200 });
      await get('/task/api/x', { headers: { 'x-request-id': 'r-1' } });
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({
        msg: 'routed',
        request_id: 'r-1',
        app: 'task',
        method: 'GET',
        path: '/task/api/x',
        provider: '2',
        status: 200,
        config_version: manager.status().version,
        attempts: [
          { provider: '1', outcome: 'status', status: 503 },
          { provider: '2', outcome: 'status', status: 200 },
        ],
      });
      expect(typeof logs[0].ms).toBe('number');
    });
  });
});
