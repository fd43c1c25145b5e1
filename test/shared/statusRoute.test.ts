import { describe, expect, it } from 'vitest';
import { CircuitBreaker, ConfigManager, StatusFeed, statusRoute } from '../../shared/index.ts';

const config = JSON.stringify({
  providers: { '1': 'http://one.test', '2': 'http://two.test' },
  routes: { task: { priority: '12', auth: { header: 'X-Admin-Key', value: 'route-key' } } },
  status_auth: { header: 'Authorization', value: 'Basic c3RhdHVz' },
});

/** The route's sources over a real ConfigManager; `text: null` is a store with no config at all. */
function source(text: string | null) {
  const manager = new ConfigManager({ source: 'kv', read: async () => (text === null ? null : { text }), env: {}, log: () => {} });
  return { config: manager, breaker: new CircuitBreaker(), feed: new StatusFeed(), apps: {}, wallNow: () => 0 };
}

const request = (method: string, headers: Record<string, string> = {}, query = '') =>
  new Request(`http://router.test/_router/status${query}`, { method, headers });

describe('Function: statusRoute', () => {
  it('without any config: 503 and nothing else (the key is unknown, so no data is shown)', async () => {
    const response = await statusRoute(request('GET', { authorization: 'Basic c3RhdHVz' }), source(null));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: 'Routing configuration not found' });
  });

  it.each<[string, Record<string, string>, number]>([
    ['no key', {}, 401],
    ['a route key when status_auth is set (status_auth alone opens it)', { 'x-admin-key': 'route-key' }, 401],
    ['the status_auth key', { authorization: 'Basic c3RhdHVz' }, 200],
  ])('%s -> %i', async (_name, headers, status) => {
    const response = await statusRoute(request('GET', headers, '?format=json'), source(config));
    expect(response.status).toBe(status);
    if (status === 401) {
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="hadoku-route status"');
      expect(await response.json()).toEqual({ error: 'unauthorized', header: 'Authorization' });
    }
  });

  it.each<[string, boolean]>([
    ['GET', true],
    ['HEAD', false],
  ])('%s of the page: HTML headers, a body only for GET', async (method, hasBody) => {
    const response = await statusRoute(request(method, { authorization: 'Basic c3RhdHVz' }), source(config));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await response.text()).length > 0).toBe(hasBody);
  });

  it('refuses other methods with 405 and Allow', async () => {
    const response = await statusRoute(request('POST'), source(config));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });
});
