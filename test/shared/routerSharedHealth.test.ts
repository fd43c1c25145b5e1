import { describe, expect, it } from 'vitest';
import { scriptedRouter } from './routerHarness.ts';

// Shared health (issue 15) through the whole router: a provider the document marks down is tried
// last, so a fresh router (breaker closed) does not wait for it.

const config = { providers: { '1': 'http://one.test', '2': 'http://two.test' }, global_priority: '12', timeout_ms: 60_000 };
const doc = (down: string[], checkedAt = Date.now()) =>
  JSON.stringify({
    version: 1,
    checked_at: new Date(checkedAt).toISOString(),
    interval_s: 60,
    by: 'local',
    providers: Object.fromEntries(['1', '2'].map((id) => [id, { up: !down.includes(id), status: null, ms: 1 }])),
  });

describe('Function: createRouter, shared health advice', () => {
  it.each<[string, string | null, string, 'timeout' | number, string[]]>([
    ['provider 1 marked down and hanging: answered by 2 with one attempt, 1 never asked', doc(['1']), '2', 'timeout', ['2']],
    ['every provider marked down: the order kept (fail open)', doc(['1', '2']), '1', 200, ['1']],
    ['a stale document is ignored: the order as configured', doc(['1'], Date.now() - 3_600_000), '1', 200, ['1']],
    ['no document: the order as configured', null, '1', 200, ['1']],
  ])('%s', async (_name, health, answeredBy, one, asked) => {
    // Prepare
    const r = scriptedRouter(config, { '1': one, '2': 200 });
    await r.manager.load();
    r.manager.setHealth(health);
    // Act
    const res = await r.get('/demo/api/x');
    // Assess
    expect(res.status).toBe(200);
    expect(((await res.json()) as { provider: string }).provider).toBe(answeredBy);
    expect(res.headers.get('x-route-attempts')).toBe(String(asked.length));
    expect(r.calls.map((c) => c.provider)).toEqual(asked);
  });

  it('marked down is not removed: when the others fail, it is still tried', async () => {
    const r = scriptedRouter(config, { '1': 200, '2': 'refused' });
    await r.manager.load();
    r.manager.setHealth(doc(['1']));
    const res = await r.get('/demo/api/x');
    expect(res.status).toBe(200);
    expect(r.calls.map((c) => c.provider)).toEqual(['2', '1']);
  });

  it('X-No-Fallback: the one attempt goes to the first provider not marked down', async () => {
    const r = scriptedRouter(config, { '1': 'timeout', '2': 200 });
    await r.manager.load();
    r.manager.setHealth(doc(['1']));
    const res = await r.get('/demo/api/x', { headers: { 'x-no-fallback': '1' } });
    expect(res.status).toBe(200);
    expect(r.calls.map((c) => c.provider)).toEqual(['2']);
  });
});
