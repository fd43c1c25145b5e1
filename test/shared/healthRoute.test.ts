import { describe, expect, it } from 'vitest';
import { CircuitBreaker, ConfigManager } from '../../shared/index.ts';
import { healthRoute, type HealthFacts } from '../../shared/healthRoute.ts';
import { UsageCounters } from '../../shared/usageCounters.ts';

const breakerSettings = { failures: 1, cooldownMs: 60_000 };

/** Health facts over a real ConfigManager; `text: null` is a store with no config at all. */
function facts(text: string | null, over: Partial<HealthFacts> = {}): HealthFacts {
  const config = new ConfigManager({ source: 'kv', read: async () => (text === null ? null : { text }), env: {}, log: () => {} });
  return {
    config,
    breaker: new CircuitBreaker(),
    counters: new UsageCounters(),
    self: undefined,
    hosts: () => false,
    drain: false,
    ...over,
  };
}

const routesOnly = JSON.stringify({
  providers: { '1': 'http://one.test', '2': 'http://two.test' },
  routes: { task: { priority: '12' }, watch: { priority: '1' } },
  breaker: { failures: 1, cooldown_ms: 60_000 },
});

async function get(url: string, f: HealthFacts) {
  const response = await healthRoute(new URL(url), f);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('Function: healthRoute (SPEC 2)', () => {
  it('without any config: 503 degraded, saying so, with the drain flag', async () => {
    const { status, body } = await get('http://r.test/_router/health', facts(null, { drain: true }));
    expect(status).toBe(503);
    expect(body).toEqual({ status: 'degraded', error: 'Routing configuration not found', providers: {}, drain: true });
  });

  it.each<[string, number, Record<string, unknown>]>([
    ['ghost', 404, { error: 'unknown app', app: 'ghost' }],
    ['task', 200, { status: 'ok' }],
  ])('?app=%s on a config without global_priority -> %i', async (app, status, subset) => {
    const res = await get(`http://r.test/_router/health?app=${app}`, facts(routesOnly));
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject(subset);
  });

  it('names the degraded apps, shows every provider, and lists no apps when all is well', async () => {
    // Prepare: provider 1 open, so watch (only 1) has nowhere to go while task still has 2
    const f = facts(routesOnly);
    f.breaker.record('1', false, breakerSettings);
    // Act
    const degraded = await get('http://r.test/_router/health', f);
    f.breaker.record('1', true, breakerSettings);
    const ok = await get('http://r.test/_router/health', f);
    // Assess
    expect(degraded.status).toBe(503);
    expect(degraded.body).toMatchObject({
      status: 'degraded',
      apps: ['watch'],
      providers: { '1': { state: 'open' }, '2': { state: 'closed' } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).not.toHaveProperty('apps');
  });

  it.each<[string, boolean, number]>([
    ['self hosting the app serves it locally although its breaker is open', true, 200],
    ['self without the app is skipped, so it is not somewhere to go', false, 503],
  ])('%s', async (_name, hosted, status) => {
    // Prepare: self is 1; watch only has 1
    const f = facts(routesOnly, { self: '1', hosts: () => hosted });
    f.breaker.record('1', false, breakerSettings);
    // Act + Assess
    expect((await get('http://r.test/_router/health?app=watch', f)).status).toBe(status);
  });
});

describe('Function: healthRoute, shared view (issue 15)', () => {
  const checkedAt = new Date(Date.now() - 1000).toISOString();
  const doc = JSON.stringify({
    version: 1,
    checked_at: checkedAt,
    interval_s: 60,
    by: 'worker-cron',
    providers: { '1': { up: false, status: null, ms: 2500, reason: 'timeout' }, '2': { up: true, status: 200, ms: 3 } },
  });
  const withHealth = (health: string | null | undefined) =>
    facts(routesOnly, {
      config: new ConfigManager({ source: 'kv', read: async () => ({ text: routesOnly, health }), env: {}, log: () => {} }),
    });

  it("adds the shared document's view beside the breakers; the status stays this instance's verdict", async () => {
    // Act: the document marks 1 down, but this instance's breakers are all closed
    const { status, body } = await get('http://r.test/_router/health', withHealth(doc));
    // Assess
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', providers: { '1': { state: 'closed' }, '2': { state: 'closed' } } });
    expect(body.shared).toEqual({
      checked_at: checkedAt,
      by: 'worker-cron',
      providers: { '1': { up: false, reason: 'timeout' }, '2': { up: true } },
    });
  });

  it.each<[string, string | null | undefined, RegExp]>([
    ['no reader supplied any', undefined, /^no health document read yet$/],
    ['the store holds none', null, /^health document missing$/],
    ['invalid', '{"version":2}', /^health document invalid: version must be 1$/],
  ])('an unusable document (%s) is shown as ignored, with why', async (_name, health, problem) => {
    const { status, body } = await get('http://r.test/_router/health', withHealth(health));
    expect(status).toBe(200);
    expect((body.shared as { ignored: string }).ignored).toMatch(problem);
  });
});
