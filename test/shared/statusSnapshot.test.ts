import { describe, expect, it } from 'vitest';
import { CircuitBreaker, StatusFeed, parseConfig, statusSnapshot, type HealthAdvice, type StatusSource } from '../../shared/index.ts';
import type { SharedProviderView } from '../../shared/sharedHealthView.ts';

const config = parseConfig(
  JSON.stringify({
    providers: { '1': 'http://one.test', '2': 'http://two.test' },
    routes: { task: { priority: '12' } },
    breaker: { failures: 1, cooldown_ms: 60_000 },
  }),
  {},
);
const settings = { failures: 1, cooldownMs: 60_000 };

function source(over: Partial<StatusSource> = {}): StatusSource {
  const status = { source: 'file' as const, version: 'v1', loaded_at: null, last_error: null };
  return {
    config: { status: () => status, healthAdvice: () => ({ ok: false, problem: 'no health document read yet' }) },
    breaker: new CircuitBreaker(() => 0),
    feed: new StatusFeed(),
    apps: {},
    wallNow: () => 0,
    ...over,
  };
}

describe('Function: statusSnapshot', () => {
  it.each<[string, string[], string[]]>([
    ['every provider closed: the whole order is tried', [], ['1', '2']],
    ['one open: it is left out', ['1'], ['2']],
    ['every one open: the whole order is tried anyway', ['1', '2'], ['1', '2']],
  ])('tried_now: %s', (_name, open, tried) => {
    const s = source();
    for (const id of open) s.breaker.record(id, false, settings);
    expect(statusSnapshot(s, config).apps.filter((a) => a.app === 'task')).toEqual([
      { app: 'task', order: ['1', '2'], priority_source: 'config', tried_now: tried },
    ]);
  });

  it.each<[string, Partial<StatusSource>, Array<string | null>]>([
    ['no self', {}, [null, null]],
    ['self hosting an app serves in-process', { self: '1', apps: { task: { fetch: async () => new Response() } } }, ['in-process', null]],
    ['self with a local handler for every app serves in-process', { self: '2', local: () => new Response() }, [null, 'in-process']],
    ['self hosting nothing is skipped', { self: '1' }, ['skipped', null]],
  ])('providers[].self: %s', (_name, over, selves) => {
    expect(statusSnapshot(source(over), config).providers.map((p) => p.self)).toEqual(selves);
  });

  it('fills the header fields: runtime, self, time, drain and zero tallies for a quiet provider', () => {
    const s = statusSnapshot(source({ runtime: 'lambda', self: '2', drain: true, wallNow: () => Date.UTC(2026, 10, 30) }), config);
    expect(s).toMatchObject({ runtime: 'lambda', self: '2', drain: true, generated_at: '2026-11-30T00:00:00.000Z', recent: [] });
    expect(s.providers[0]).toMatchObject({ id: '1', state: 'closed', answers: 0, fallbacks: 0, timeouts: 0, errors: 0 });
    expect(statusSnapshot(source(), config)).toMatchObject({ runtime: null, self: null, drain: false });
  });
});

describe('Function: statusSnapshot, shared health (issue 15)', () => {
  const doc = {
    version: 1 as const,
    checked_at: '2026-12-01T00:00:00.000Z',
    interval_s: 60,
    by: 'lambda-schedule',
    providers: { '1': { up: false, status: null, ms: 2500, reason: 'timeout' } },
  };
  it.each<[string, HealthAdvice, unknown, Array<SharedProviderView | null>]>([
    [
      'a usable document: its view, per provider (null for one it does not name)',
      { ok: true, doc, down: new Set(['1']) },
      { checked_at: doc.checked_at, by: 'lambda-schedule', providers: { '1': { up: false, reason: 'timeout' } } },
      [{ up: false, reason: 'timeout' }, null],
    ],
    [
      'an ignored document: why, and null per provider',
      { ok: false, problem: 'health document missing' },
      { ignored: 'health document missing' },
      [null, null],
    ],
  ])('%s', (_name, advice, shared, perProvider) => {
    const s = statusSnapshot(source({ config: { status: () => source().config.status(), healthAdvice: () => advice } }), config);
    expect(s.shared).toEqual(shared);
    expect(s.providers.map((p) => p.shared)).toEqual(perProvider);
  });
});
