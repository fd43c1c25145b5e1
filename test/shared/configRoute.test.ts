import { describe, expect, it } from 'vitest';
import { ConfigManager } from '../../shared/index.ts';
import { configRoute } from '../../shared/configRoute.ts';

const routesOnly = JSON.stringify({
  providers: { '1': 'http://one.test', '2': 'http://two.test' },
  routes: { task: { priority: '12' }, watch: { priority: '1' } },
});

/** A real ConfigManager; `text: null` is a store with no config at all. */
const manager = (text: string | null) =>
  new ConfigManager({ source: 'kv', read: async () => (text === null ? null : { text }), env: {}, log: () => {} });

describe('Function: configRoute (SPEC 2)', () => {
  it('without any config: 500 saying so, with where it looked', async () => {
    const response = await configRoute({ config: manager(null), self: undefined, hostedApps: [], drain: false });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({
      error: 'Routing configuration not found',
      source: 'kv',
      last_error: 'no config found in the kv store',
    });
  });

  it('shows the routing, self and the hosted apps', async () => {
    const response = await configRoute({ config: manager(routesOnly), self: '2', hostedApps: '*', drain: true });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      source: 'kv',
      providers: { '1': 'http://one.test', '2': 'http://two.test' },
      apps: { task: { order: ['1', '2'] }, watch: { order: ['1'] } },
      self: '2',
      hosted_apps: '*',
      drain: true,
    });
  });
});
