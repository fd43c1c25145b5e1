import { describe, expect, it } from 'vitest';
import { ConfigManager, createRouter } from '../../shared/index.ts';
import { scriptedRouter } from './routerHarness.ts';

const cfg = (backend_source?: string) => ({
  providers: { '1': 'http://p1.test', '2': 'http://p2.test/base' },
  routes: { task: { priority: '12' } },
  ...(backend_source ? { backend_source } : {}),
});

describe('X-Backend-Source (backend_source)', () => {
  it.each<[string, string | undefined, string | null]>([
    ['url (default): the provider base', undefined, 'http://p2.test/base'],
    ['url: the provider base', 'url', 'http://p2.test/base'],
    ['id: the provider id', 'id', '2'],
    ['off: no header at all', 'off', null],
  ])('%s', async (_name, mode, shown) => {
    const { get } = scriptedRouter(cfg(mode), { '1': 503, '2': 200 });
    const res = await get('/task/api/x');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-backend-source')).toBe(shown);
  });

  it('a local handler given per request (middleware mode, no self) is shown by its step id', async () => {
    // Prepare: no ROUTE_SELF, so the in-process step is not one of the providers
    const config = new ConfigManager({ source: 'file', read: async () => ({ text: JSON.stringify(cfg()) }), env: {} });
    const router = createRouter({ config, fetch: () => Promise.reject(new Error('no network')), log: () => {} });
    // Act
    const res = await router.fetch(new Request('http://router.test/task/api/x', { headers: { 'x-no-fallback': '1' } }), {
      local: async () => new Response('here'),
    });
    // Assess
    expect(await res.text()).toBe('here');
    expect(res.headers.get('x-backend-source')).toBe('local');
  });
});
