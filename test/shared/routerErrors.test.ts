import { describe, expect, it, vi } from 'vitest';
import { ConfigManager, createRouter, type UpstreamInit } from '../../shared/index.ts';
import { scriptedRouter } from './routerHarness.ts';

const providers = { '1': 'http://p1.test', '2': 'http://p2.test' };
const cfg = { providers, routes: { task: { priority: '12' } }, timeout_ms: 1000 };

describe('createRouter: answers when something other than a provider fails', () => {
  it('a routed request without any valid config: 500 saying so, no provider contacted', async () => {
    // Prepare: a store holding a config that never validates (and nothing baked)
    const calls: string[] = [];
    const config = new ConfigManager({ source: 'kv', read: async () => ({ text: '{"providers": 1}' }), env: {}, log: () => {} });
    const router = createRouter({ config, fetch: async (url) => (calls.push(url), new Response('x')), log: () => {} });
    // Act
    const res = await router.fetch(new Request('http://router.test/task/api/x'));
    // Assess
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'Routing configuration not found' });
    expect(calls).toEqual([]);
  });

  it('a provider answer with a status no Response can carry: 502 naming the provider', async () => {
    const odd = () => ({ status: 999, statusText: '', headers: new Headers(), body: null }) as unknown as Response;
    const { get } = scriptedRouter(cfg, { '1': odd });
    const res = await get('/task/api/x');
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ error: 'provider 1 answered an invalid status 999' });
  });

  it('a bug (a transport that throws synchronously) costs one 500 without a stack trace; the router keeps serving', async () => {
    // Prepare
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    let broken = true;
    const fetch = (_url: string, _init: UpstreamInit): Promise<Response> => {
      if (broken) throw new TypeError('transport bug');
      return Promise.resolve(new Response('fine'));
    };
    const config = new ConfigManager({ source: 'file', read: async () => ({ text: JSON.stringify(cfg) }), env: {} });
    const router = createRouter({ config, fetch, log: () => {} });
    try {
      // Act
      const res = await router.fetch(new Request('http://router.test/task/api/x'));
      broken = false;
      const next = await router.fetch(new Request('http://router.test/task/api/x'));
      // Assess
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: 'internal router error' });
      expect(text).not.toMatch(/transport bug|at /);
      expect(JSON.parse(String(spy.mock.calls[0]![0]))).toEqual({ level: 'error', msg: 'router_error', error: 'TypeError: transport bug' });
      expect(await next.text()).toBe('fine');
    } finally {
      spy.mockRestore();
    }
  });
});
