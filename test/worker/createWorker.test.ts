import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { CacheApiStore, STORED_AT_HEADER } from '../../functions/worker/cacheApiStore.ts';
import { configMaxAgeSeconds, createWorker, type CreateWorkerOptions } from '../../functions/worker/createWorker.ts';
import type { WorkerEnv } from '../../functions/worker/workerEnv.ts';
import { COMPRESSIBLE_TEXT } from './fixtures.ts';

// Prepare (shared): provider 1 is the real upstream server, provider 2 a refused port.
const upstream = `http://127.0.0.1:${inject('upstreamPort')}`;
const ORIGIN = 'https://edge.example.com';

/** A config text; `${LOCAL_BASE}`/`${WORKER_BASE}` resolve from the Worker's vars (vitest.config.ts). */
function configText(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    global_priority: '1',
    routes: {
      task: { priority: '1' },
      cached: { priority: '1', cache: true, cache_ttl_seconds: 60 },
    },
    providers: { '1': '${LOCAL_BASE}', '2': '${WORKER_BASE}' },
    ...overrides,
  });
}

/** The real KV binding, counting reads, and failing while `down` is set (KV unreachable). */
function countingKv(): { kv: KVNamespace; reads: () => number; setDown(down: boolean): void } {
  let reads = 0;
  let down = false;
  const kv = {
    get: (key: string, options: KVNamespaceGetOptions<'text'>) => {
      // Config reads: the shared health document is read beside the config, in the same reader call.
      if (key === 'route-config') reads++;
      if (down) return Promise.reject(new Error('KV GET failed: 503 Service Unavailable'));
      return env.SETTINGS.get(key, options);
    },
  } as unknown as KVNamespace;
  return { kv, reads: () => reads, setDown: (value) => void (down = value) };
}

/** One Worker "isolate" with a hand-driven clock, and a helper to call it like workerd does. */
function isolate(options: Omit<CreateWorkerOptions, 'now'> = {}, envOverrides: Partial<WorkerEnv> = {}) {
  let clock = 1_800_000_000_000;
  const counted = countingKv();
  const worker = createWorker({ ...options, now: () => clock });
  const workerEnv: WorkerEnv = { ...env, SETTINGS: counted.kv, ...envOverrides };
  return {
    ...counted,
    advance: (ms: number) => void (clock += ms),
    async get(path: string, init?: RequestInit): Promise<Response> {
      const ctx = createExecutionContext();
      const response = await worker.fetch(new Request(`${ORIGIN}${path}`, init), workerEnv, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    },
    async configRoute(): Promise<{ source: string; version: string; last_error: string | null; providers: Record<string, string> }> {
      const response = await this.get('/_config/route');
      expect(response.status).toBe(200);
      return response.json();
    },
  };
}

async function upstreamHits(url: string): Promise<number> {
  const response = await fetch(`${upstream}/__hits?url=${encodeURIComponent(url)}`);
  return ((await response.json()) as { hits: number }).hits;
}

describe('Worker: runs inside workerd', () => {
  it('is not Node: the test isolate is workerd', () => {
    expect(navigator.userAgent).toBe('Cloudflare-Workers');
  });
});

describe('Worker: KV config memoised per isolate', () => {
  beforeEach(async () => {
    await env.SETTINGS.put('route-config', configText());
  });

  it('a busy isolate reads KV once per ROUTE_CONFIG_MAX_AGE, however many requests arrive', async () => {
    // Prepare
    const worker = isolate();

    // Act: 10 concurrent and 10 sequential requests within the max-age
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => worker.get(`/task/api/echo?burst=${i}`)));
    for (let i = 0; i < 10; i++) {
      worker.advance(900);
      expect((await worker.get(`/task/api/echo?seq=${i}`)).status).toBe(200);
    }

    // Assess
    expect(burst.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(worker.reads()).toBe(1);
    worker.advance(1000); // 10.0 s after the first read: the default max-age is over
    await worker.get('/task/api/echo');
    expect(worker.reads()).toBe(2);
  });

  it('honours ROUTE_CONFIG_MAX_AGE from the vars', async () => {
    const worker = isolate({}, { ROUTE_CONFIG_MAX_AGE: '2' });

    await worker.get('/task/api/echo');
    worker.advance(1999);
    await worker.get('/task/api/echo');
    worker.advance(1);
    await worker.get('/task/api/echo');

    expect(worker.reads()).toBe(2);
  });

  it('picks up a new config from KV after the max-age (the flip by KV key)', async () => {
    const worker = isolate();
    expect((await worker.get('/task/api/echo')).headers.get('x-route-attempts')).toBe('1');

    await env.SETTINGS.put('route-config', configText({ routes: { task: { priority: '21' } } }));
    worker.advance(10_000);
    const flipped = await worker.get('/task/api/echo');

    expect(flipped.status).toBe(200);
    expect(flipped.headers.get('x-route-attempts')).toBe('2'); // provider 2 refused, then 1
    expect(flipped.headers.get('server-timing')).toMatch(/^p1;desc="2 error".*p2;desc="1 200"/);
  });
});

describe('Worker: KV down or invalid -> last good -> baked -> 500', () => {
  const baked = configText({ global_priority: '1', routes: {} });

  beforeEach(async () => {
    await env.SETTINGS.put('route-config', configText());
  });

  it('keeps the last good config when KV later holds text that is not JSON, and says why', async () => {
    // Prepare
    const worker = isolate({ baked });
    const good = await worker.configRoute();

    // Act
    await env.SETTINGS.put('route-config', '{ not json');
    worker.advance(10_000);
    const routed = await worker.get('/task/api/echo');
    const status = await worker.configRoute();

    // Assess
    expect(good).toMatchObject({ source: 'kv', last_error: null });
    expect(routed.status).toBe(200);
    expect(status).toMatchObject({ source: 'kv', version: good.version });
    expect(status.last_error).toMatch(/kv/);
  });

  it('keeps the last good config when KV holds an invalid config, naming the field', async () => {
    const worker = isolate({ baked });
    const good = await worker.configRoute();

    await env.SETTINGS.put('route-config', configText({ routes: { task: { priority: '17' } } }));
    worker.advance(10_000);
    const status = await worker.configRoute();

    expect(status).toMatchObject({ source: 'kv', version: good.version });
    expect(status.last_error).toMatch(/routes\.task\.priority/);

    // A later good config clears last_error again
    await env.SETTINGS.put('route-config', configText({ global_priority: '21' }));
    worker.advance(10_000);
    expect(await worker.configRoute()).toMatchObject({ source: 'kv', last_error: null });
  });

  it('keeps the last good config while KV is unreachable, and backs off instead of reading on every request', async () => {
    const worker = isolate({ baked });
    const good = await worker.configRoute();

    worker.setDown(true);
    worker.advance(10_000);
    const during = await Promise.all(Array.from({ length: 5 }, () => worker.get('/task/api/echo')));
    const status = await worker.configRoute();

    expect(during.map((response) => response.status)).toEqual(Array(5).fill(200));
    expect(status).toMatchObject({ source: 'kv', version: good.version });
    expect(status.last_error).toMatch(/unreachable/);
    expect(worker.reads()).toBe(2);
  });

  it('serves the baked config on a cold start with KV unreachable', async () => {
    const worker = isolate({ baked });
    worker.setDown(true);

    const routed = await worker.get('/task/api/echo');
    const status = await worker.configRoute();

    expect(routed.status).toBe(200);
    expect(status.source).toBe('baked');
    expect(status.last_error).toMatch(/unreachable/);
  });

  it('serves the baked config on a cold start with an invalid KV value, then KV once it is fixed', async () => {
    await env.SETTINGS.put('route-config', '[]');
    const worker = isolate({ baked });

    expect((await worker.configRoute()).source).toBe('baked');
    await env.SETTINGS.put('route-config', configText());
    worker.advance(10_000);
    expect(await worker.configRoute()).toMatchObject({ source: 'kv', last_error: null });
  });

  it('serves the baked config when the KV key does not exist', async () => {
    await env.SETTINGS.delete('route-config');
    const worker = isolate({ baked });

    const status = await worker.configRoute();

    expect(status.source).toBe('baked');
    expect(status.last_error).toMatch(/no config/);
  });

  it('answers 500 "Routing configuration not found" when nothing valid is known, and still serves static paths', async () => {
    const worker = isolate(); // nothing baked
    worker.setDown(true);

    const routed = await worker.get('/task/api/echo');
    const page = await worker.get('/');

    expect(routed.status).toBe(500);
    expect(await routed.json()).toEqual({ error: 'Routing configuration not found' });
    expect(page.status).toBe(200);
  });
});

describe('Worker: edge cache through the Cache API', () => {
  beforeEach(async () => {
    await env.SETTINGS.put('route-config', configText({ routes: { cached: { priority: '1', cache: true, cache_ttl_seconds: 60 } } }));
  });

  it('answers MISS, then HIT from caches.default without contacting the provider again', async () => {
    // Prepare
    const path = `/cached/api/item?u=${crypto.randomUUID()}`;
    const worker = isolate();

    // Act
    const miss = await worker.get(path);
    const missBody = await miss.text();
    worker.advance(5_000);
    const hit = await worker.get(path);

    // Assess
    expect(miss.headers.get('x-cache')).toBe('MISS');
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(Number(hit.headers.get('age'))).toBeGreaterThanOrEqual(5);
    expect(await hit.text()).toBe(missBody);
    expect(hit.headers.get('cache-control')).toBe('public, max-age=30'); // the provider's, not the store's
    expect(hit.headers.get(STORED_AT_HEADER)).toBeNull();
    expect(await upstreamHits(path)).toBe(1);
    // The URL's vary index, under method + host + path + query, is kept for TTL + the stale window.
    const index = await caches.default.match(new CacheApiStore().url(`GET edge.example.com${path}`));
    expect(index?.headers.get('cache-control')).toBe(`max-age=${60 + 600}`);
    await index?.body?.cancel();
  });

  it('a fresh isolate finds the entry too: it lives in the Cache API, not in memory', async () => {
    const path = `/cached/api/shared?u=${crypto.randomUUID()}`;
    await isolate().get(path);

    const hit = await isolate().get(path);

    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(await upstreamHits(path)).toBe(1);
  });

  it('answers STALE from the Cache API when every provider fails after the TTL', async () => {
    // Prepare: cached through provider 1, then the route flips to the refused provider 2
    const path = `/cached/api/stale?u=${crypto.randomUUID()}`;
    const worker = isolate();
    expect((await worker.get(path)).headers.get('x-cache')).toBe('MISS');
    await env.SETTINGS.put('route-config', configText({ routes: { cached: { priority: '2', cache: true, cache_ttl_seconds: 60 } } }));

    // Act: past the TTL, within the 10-minute stale window
    worker.advance(120_000);
    const stale = await worker.get(path);

    // Assess
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-cache')).toBe('STALE');
    expect(await stale.json()).toEqual({ hits: 1 });
  });

  it('does not serve an entry older than TTL + 10 minutes: the provider error is the answer', async () => {
    const path = `/cached/api/expired?u=${crypto.randomUUID()}`;
    const worker = isolate();
    await worker.get(path);
    await env.SETTINGS.put('route-config', configText({ routes: { cached: { priority: '2', cache: true, cache_ttl_seconds: 60 } } }));

    worker.advance((60 + 600 + 1) * 1000);
    const response = await worker.get(path);

    expect(response.status).toBe(502);
  });
});

describe('Worker: static assets, transport', () => {
  beforeEach(async () => {
    await env.SETTINGS.put('route-config', configText());
  });

  it('hands paths the router does not own to the STATIC assets binding', async () => {
    const worker = isolate();

    const page = await worker.get('/');
    const lookalike = await worker.get('/task/apix');
    const missing = await worker.get('/no-such-file.txt');

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('hadoku-route');
    expect(lookalike.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(worker.reads()).toBe(0); // static traffic never touches KV
    await lookalike.body?.cancel();
    await missing.body?.cancel();
  });

  it.each(['gzip', 'br'])('passes a %s answer on decodable, with every Set-Cookie', async (coding) => {
    const response = await isolate().get(`/task/api/${coding}`, { headers: { 'accept-encoding': 'gzip, br' } });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(await response.text()).toBe(COMPRESSIBLE_TEXT);
  });

  it('does not follow redirects: the 3xx goes back to the client', async () => {
    const response = await isolate().get('/task/api/redirect');

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/task/api/echo');
    expect(response.headers.get('x-backend-source')).toBe(upstream);
  });

  it('forwards the client address from CF-Connecting-IP', async () => {
    const response = await isolate().get('/task/api/echo', { headers: { 'cf-connecting-ip': '203.0.113.7' } });
    const echoed = (await response.json()) as { headers: Record<string, string> };

    expect(echoed.headers['x-forwarded-for']).toContain('203.0.113.7');
    expect(echoed.headers['x-forwarded-host']).toBe('edge.example.com');
  });
});

describe('Function: configMaxAgeSeconds', () => {
  it.each([
    [undefined, 10],
    ['', 10],
    ['2', 2],
    ['0.5', 0.5],
    ['0', 0],
    ['-1', 10],
    ['ten', 10],
  ])('reads ROUTE_CONFIG_MAX_AGE=%j as %d s', (value, seconds) => {
    expect(configMaxAgeSeconds(value)).toBe(seconds);
  });
});

describe('Worker: drain switch for drills (ROUTE_DRAIN)', () => {
  it('answers 503 to routed requests without contacting anyone, health still answers', async () => {
    // Prepare
    await env.SETTINGS.put('route-config', configText());
    const drained = isolate({}, { ROUTE_DRAIN: 'true' } as Partial<WorkerEnv>);
    const before = await upstreamHits('/task/api/drained');
    // Act
    const response = await drained.get('/task/api/drained');
    // Assess
    expect(response.status).toBe(503);
    expect(await upstreamHits('/task/api/drained')).toBe(before);
    expect((await drained.get('/_router/health')).status).toBe(200);
    const live = isolate({}, { ROUTE_DRAIN: 'false' } as Partial<WorkerEnv>);
    expect((await live.get('/task/api/drained')).status).not.toBe(503);
  });
});
