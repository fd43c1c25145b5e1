import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  downIds,
  HEALTH_DOC,
  parseConfig,
  probeHealth,
  readHealthDocument,
  staleAt,
  type HealthDocument,
  type UpstreamFetch,
} from '../../shared/index.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';

const NOW = Date.parse('2026-12-01T00:10:00.000Z');
const doc = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: 1,
    checked_at: '2026-12-01T00:09:00.000Z',
    interval_s: 60,
    by: 'test',
    providers: { '1': { up: false, status: null, ms: 2500 }, '2': { up: true, status: 200, ms: 3 } },
    ...over,
  });

describe('readHealthDocument: what a router takes as advice, and what it ignores', () => {
  it('a fresh document gives the set of providers marked down', () => {
    const advice = readHealthDocument(doc(), NOW);
    expect(advice.ok && [...advice.down]).toEqual(['1']);
  });

  it.each([
    ['missing (null)', null, 'health document missing'],
    ['missing (empty)', '', 'health document missing'],
    ['not JSON', '{"version":', 'health document is not JSON'],
    ['an array', '[]', 'health document invalid: not an object'],
    ['another version', doc({ version: 2 }), 'health document invalid: version must be 1'],
    ['checked_at not a time', doc({ checked_at: 'yesterday' }), 'health document invalid: checked_at must be an ISO time'],
    ['interval_s zero', doc({ interval_s: 0 }), 'health document invalid: interval_s must be a positive number'],
    ['interval_s a string', doc({ interval_s: '60' }), 'health document invalid: interval_s must be a positive number'],
    ['by missing', doc({ by: undefined }), 'health document invalid: by must be a string'],
    ['providers an array', doc({ providers: [] }), 'health document invalid: providers must be an object'],
    ['up not a boolean', doc({ providers: { '1': { up: 'no' } } }), 'health document invalid: providers.1.up must be a boolean'],
    [
      'stale: older than 3 intervals',
      doc({ checked_at: '2026-12-01T00:06:59.000Z' }),
      'health document stale: checked 181 s ago (limit 180 s)',
    ],
  ])('%s: ignored, naming why', (_name, text, problem) => {
    expect(readHealthDocument(text, NOW)).toEqual({ ok: false, problem });
  });

  it('staleAt is 3 of its own intervals after checked_at; downIds lists the providers marked down', () => {
    const parsed = JSON.parse(doc({ interval_s: 30 })) as HealthDocument;
    expect(staleAt(parsed)).toBe(Date.parse('2026-12-01T00:10:30.000Z'));
    expect(downIds(parsed)).toEqual(['1']);
  });

  it('exactly 3 intervals old is still used', () => {
    expect(readHealthDocument(doc({ checked_at: '2026-12-01T00:07:00.000Z' }), NOW).ok).toBe(true);
  });
});

describe('probeHealth: one round over real providers on 127.0.0.1', () => {
  const ups: Upstream[] = [];
  beforeAll(async () => {
    for (const name of ['ok', 'degraded', 'drained', 'broken', 'hangs', 'not-a-router']) ups.push(await startUpstream(name));
    ups[0].set(() => ({ status: 200, body: { status: 'ok' } }));
    ups[1].set(() => ({ status: 503, body: { status: 'degraded', apps: ['task'] } }));
    ups[2].set(() => ({ status: 200, body: { status: 'ok', drain: true } }));
    ups[3].set(() => ({ status: 502, body: 'bad gateway' }));
    ups[4].set(() => ({ hang: true }));
    ups[5].set(() => ({ status: 404, body: 'no such path' }));
  });
  afterAll(async () => {
    for (const up of ups) await up.close();
  });

  it('marks refusals, timeouts, drains and 5xx down; a router degraded for some app and a non-router answer stay up', async () => {
    const providers = Object.fromEntries(ups.map((up, i) => [String(i + 1), up.url]));
    providers['7'] = 'http://127.0.0.1:9/refused';
    const config = parseConfig(JSON.stringify({ providers, global_priority: '1', timeout_ms: 300 }), {});
    const result: HealthDocument = await probeHealth(config, { fetch: fetch as UpstreamFetch, by: 'test', now: () => NOW });
    const verdicts = Object.fromEntries(Object.entries(result.providers).map(([id, p]) => [id, [p.up, p.status, p.reason]]));
    expect(verdicts).toEqual({
      '1': [true, 200, undefined],
      '2': [true, 503, undefined],
      '3': [false, 200, 'draining'],
      '4': [false, 502, 'status 502'],
      '5': [false, null, 'timeout'],
      '6': [true, 404, undefined],
      '7': [false, null, 'connection error'],
    });
    expect(ups[0].requests.at(-1)?.url).toBe(HEALTH_DOC.probePath);
    expect(result).toMatchObject({ version: 1, checked_at: new Date(NOW).toISOString(), interval_s: HEALTH_DOC.intervalS, by: 'test' });
    expect(readHealthDocument(JSON.stringify(result), NOW).ok).toBe(true);
  });

  it.each([
    ['serving', false, { up: true, status: null, ms: 0 }],
    ['draining', true, { up: false, status: null, ms: 0, reason: 'draining' }],
  ])('self (%s) is reported from the inside, never probed over HTTP', async (_name, draining, expected) => {
    const before = ups[0].requests.length;
    const config = parseConfig(JSON.stringify({ providers: { '1': ups[0].url }, global_priority: '1' }), {});
    const result = await probeHealth(config, { fetch: fetch as UpstreamFetch, by: 'test', self: { id: '1', draining } });
    expect(result.providers['1']).toEqual(expected);
    expect(ups[0].requests.length).toBe(before);
  });
});
