import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RequestLogEntry, UpstreamInit } from '../../shared/index.ts';
import { scriptedRouter } from './routerHarness.ts';

const providers = { '1': 'http://one.test', '2': 'http://two.test', '3': 'http://three.test' };
const cfg = (extra: Record<string, unknown> = {}, route: Record<string, unknown> = {}) => ({
  providers,
  timeout_ms: 400,
  hedge_after_ms: 20,
  breaker: false,
  routes: { task: { priority: '123', ...route } },
  ...extra,
});

/** A provider that answers `status` after `ms`, honouring abort like a real transport; records whether it was aborted. */
function answerAfter(ms: number, status: number, seen: { aborted?: boolean } = {}) {
  return (_url: string, init: UpstreamInit) =>
    new Promise<Response>((resolve, reject) => {
      const timer = setTimeout(() => resolve(new Response(JSON.stringify({ status }), { status })), ms);
      init.signal.addEventListener('abort', () => {
        seen.aborted = true;
        clearTimeout(timer);
        reject(init.signal.reason);
      });
    });
}

/** The log line's attempts, reduced to what the tests compare. */
const attemptsOf = (entry: RequestLogEntry) =>
  entry.attempts.map((a) => [a.provider, a.status ?? a.outcome, a.hedge && 'hedge', a.lost && 'lost'].filter(Boolean).join(':'));

describe('Function: createRouter (hedged fallback, issue 15)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('hedge wins: provider 1 hangs, provider 2 starts after hedge_after_ms and answers; provider 1 is aborted; both recorded', async () => {
    const one: { aborted?: boolean } = {};
    const { get, logs } = scriptedRouter(cfg(), { '1': answerAfter(10_000, 200, one), '2': 200 });
    const res = await get('/task/api/x');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ provider: '2' });
    expect(res.headers.get('x-route-attempts')).toBe('2');
    expect(res.headers.get('server-timing')).toMatch(/^p1;desc="1 aborted";dur=[\d.]+, p2;desc="2 200";dur=[\d.]+$/);
    expect(attemptsOf(logs[0]!)).toEqual(['1:aborted:lost', '2:200:hedge']);
    expect(one.aborted).toBe(true);
  });

  it('primary wins: provider 1 answers after the hedge started; the hedge is aborted and recorded', async () => {
    const two: { aborted?: boolean } = {};
    const { get, logs } = scriptedRouter(cfg(), { '1': answerAfter(80, 200), '2': answerAfter(10_000, 200, two) });
    const res = await get('/task/api/x');
    expect(await res.json()).toEqual({ status: 200 });
    expect(res.headers.get('x-route-attempts')).toBe('2');
    expect(attemptsOf(logs[0]!)).toEqual(['1:200', '2:aborted:hedge:lost']);
    expect(two.aborted).toBe(true);
  });

  it('both fail: the next provider is tried, every attempt recorded', async () => {
    // Provider 1 answers well after the hedge (20 ms + 10 ms): a loaded machine's late timers keep the order.
    const { get, logs, calls } = scriptedRouter(cfg(), { '1': answerAfter(300, 503), '2': answerAfter(10, 502), '3': 200 });
    const res = await get('/task/api/x');
    expect(await res.json()).toEqual({ provider: '3' });
    expect(calls.map((c) => c.provider)).toEqual(['1', '2', '3']);
    expect(attemptsOf(logs[0]!)).toEqual(['1:503', '2:502:hedge', '3:200']);
  });

  it('both fail and nobody is left: the last real answer is the answer (SPEC 3.7)', async () => {
    const { get } = scriptedRouter(cfg({}, { priority: '12' }), { '1': answerAfter(300, 503), '2': answerAfter(10, 502) });
    const res = await get('/task/api/x');
    expect(res.status).toBe(503);
    expect(res.headers.get('x-route-attempts')).toBe('2');
  });

  it('a primary that answers before hedge_after_ms is never hedged', async () => {
    const { get, calls, logs } = scriptedRouter(cfg(), { '1': 200, '2': 200 });
    expect((await get('/task/api/x')).status).toBe(200);
    expect(calls.map((c) => c.provider)).toEqual(['1']);
    expect(attemptsOf(logs[0]!)).toEqual(['1:200']);
  });

  it.each([
    ['POST', {}],
    ['PUT', {}],
    ['DELETE', {}],
    ['PATCH', {}],
  ])('%s without Idempotency-Key is never hedged: provider 2 only after provider 1 times out', async (method) => {
    const { get, logs } = scriptedRouter(cfg({ timeout_ms: 100 }), { '1': 'timeout', '2': 200 });
    const res = await get('/task/api/x', { method, body: method === 'DELETE' ? null : 'x' });
    expect(res.status).toBe(200);
    expect(attemptsOf(logs[0]!)).toEqual(['1:timeout', '2:200']);
  });

  it.each(['POST', 'PATCH'])('%s with Idempotency-Key is hedged', async (method) => {
    const { get, calls, logs } = scriptedRouter(cfg(), { '1': 'timeout', '2': 200 });
    const res = await get('/task/api/x', { method, body: 'payload', headers: { 'idempotency-key': 'k-1' } });
    expect(res.status).toBe(200);
    expect(attemptsOf(logs[0]!)).toEqual(['1:aborted:lost', '2:200:hedge']);
    expect(calls.map((c) => c.body)).toEqual(['payload', 'payload']);
  });

  it('hedging off (no hedge_after_ms): the old sequential fallback', async () => {
    const { get, logs } = scriptedRouter(cfg({ hedge_after_ms: undefined, timeout_ms: 100 }), { '1': 'timeout', '2': 200 });
    expect((await get('/task/api/x')).status).toBe(200);
    expect(attemptsOf(logs[0]!)).toEqual(['1:timeout', '2:200']);
  });

  it('budget exhausted: after the burst (10 hedges at hedge_budget 0.01) a request waits for the timeout', async () => {
    const { get, logs } = scriptedRouter(cfg({ hedge_budget: 0.01, timeout_ms: 100 }), { '1': 'timeout', '2': 200 });
    for (let i = 0; i < 11; i++) expect((await get('/task/api/x')).status).toBe(200);
    expect(logs.slice(0, 10).every((l) => attemptsOf(l).join() === '1:aborted:lost,2:200:hedge')).toBe(true);
    expect(attemptsOf(logs[10]!)).toEqual(['1:timeout', '2:200']);
  });

  it('lost primaries count as breaker failures: after breaker.failures hedged requests provider 1 is skipped', async () => {
    const { get, logs } = scriptedRouter(cfg({ breaker: { failures: 2, cooldown_ms: 60_000 } }), { '1': 'timeout', '2': 200 });
    for (let i = 0; i < 3; i++) await get('/task/api/x');
    expect(attemptsOf(logs[2]!)).toEqual(['2:200']);
  });

  it('budget spent: requests waiting on provider 1 start provider 2 as soon as its breaker opens, not after their timeout', async () => {
    // 12 requests at once: the burst (10) hedges 10 of them; their lost primaries open provider 1's breaker,
    // which starts provider 2 for the other 2 at once.
    const config = cfg({ hedge_budget: 0.01, timeout_ms: 2000, breaker: { failures: 3, cooldown_ms: 60_000 } });
    const { get, logs } = scriptedRouter(config, { '1': 'timeout', '2': 200 });
    const answers = await Promise.all(Array.from({ length: 12 }, () => get('/task/api/x')));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(logs.map((l) => attemptsOf(l).join())).toEqual(Array(12).fill('1:aborted:lost,2:200:hedge'));
  });

  it('without a breaker the budget holds: a request past the burst waits for its timeout', async () => {
    const { get, logs } = scriptedRouter(cfg({ hedge_budget: 0.01, timeout_ms: 300 }), { '1': 'timeout', '2': 200 });
    await Promise.all(Array.from({ length: 11 }, () => get('/task/api/x')));
    expect(logs.filter((l) => attemptsOf(l).join() === '1:timeout,2:200')).toHaveLength(1);
  });

  it('a lost hedge does not count against its provider', async () => {
    const { get, router } = scriptedRouter(cfg({ breaker: { failures: 1, cooldown_ms: 60_000 } }), {
      '1': answerAfter(80, 200),
      '2': 'timeout',
    });
    await get('/task/api/x');
    const health = await (await router.fetch(new Request('http://router.test/_router/health'))).json();
    expect(JSON.stringify(health)).not.toContain('"open"');
  });

  it("the loser's late answer is dropped: its body is cancelled", async () => {
    let cancelled = false;
    const late = () =>
      new Promise<Response>((resolve) => {
        // A transport that ignores the signal and answers anyway, later.
        const body = new ReadableStream({ cancel: () => void (cancelled = true) });
        setTimeout(() => resolve(new Response(body, { status: 200 })), 60);
      });
    const { get } = scriptedRouter(cfg(), { '1': late, '2': 200 });
    expect(await (await get('/task/api/x')).json()).toEqual({ provider: '2' });
    // The late answer lands 60 ms after the start; a loaded machine may run that timer later.
    for (let waited = 0; waited < 2000 && !cancelled; waited += 20) await new Promise((r) => setTimeout(r, 20));
    expect(cancelled).toBe(true);
  });
});

describe('Function: createRouter (gentle failback, issue 15)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a provider back from an open breaker leads only its ramp share, and is still tried when the others fail', async () => {
    let wall = 1_000_000;
    const draws: number[] = [];
    vi.spyOn(Math, 'random').mockImplementation(() => draws.shift() ?? 0.5);
    const failback = { ramp_ms: 10_000, start_share: 0.1 };
    const config = cfg({ hedge_after_ms: undefined, breaker: { failures: 1, cooldown_ms: 1000 }, failback }, { priority: '12' });
    const { get, logs } = scriptedRouter(config, { '1': [503, 200], '2': [200, 200, 503] }, { wall: () => wall });
    await get('/task/api/x'); // 1 fails (opens), 2 answers
    wall += 1500;
    await get('/task/api/x'); // half-open probe on 1 succeeds: the ramp starts (window drawn: 0.5 -> 10 s)
    draws.push(0.5); // over the 10% share: 1 goes last
    await get('/task/api/x');
    draws.push(0.05); // under it: 1 leads
    await get('/task/api/x');
    wall += 5000; // half way: share 55%
    draws.push(0.6);
    await get('/task/api/x'); // 1 last; 2 answers 503 -> 1 is still tried
    expect(logs.map(attemptsOf)).toEqual([['1:503', '2:200'], ['1:200'], ['2:200'], ['1:200'], ['2:503', '1:200']]);
  });

  it('without failback a recovered provider gets everything at once', async () => {
    let wall = 1_000_000;
    vi.spyOn(Math, 'random').mockReturnValue(0.99);
    const config = cfg({ hedge_after_ms: undefined, breaker: { failures: 1, cooldown_ms: 1000 } }, { priority: '12' });
    const { get, logs } = scriptedRouter(config, { '1': [503, 200], '2': 200 }, { wall: () => wall });
    await get('/task/api/x');
    wall += 1500;
    await get('/task/api/x');
    await get('/task/api/x');
    expect(logs.map(attemptsOf).slice(1)).toEqual([['1:200'], ['1:200']]);
  });
});

describe('Function: createRouter (auto hedge delay, issue 15)', () => {
  it('a primary that keeps losing pushes its own auto delay up: a slow but healthy provider is hedged less and less', async () => {
    // Provider 1 answers in 120 ms, provider 2 at once; no breaker, so only the delay decides.
    const config = cfg({ hedge_after_ms: 'auto', timeout_ms: 1000, routes: { task: { priority: '12' }, warm: { priority: '2' } } });
    const { get, logs } = scriptedRouter(config, { '1': answerAfter(120, 200), '2': 200 });
    // Provider 2's fast answers make the instance-wide p95 that provider 1 (no history) borrows: the 50 ms floor.
    for (let i = 0; i < 5; i++) await get('/warm/api/x');
    for (let i = 0; i < 12; i++) await get('/task/api/x');
    const winners = logs.slice(5).map((l) => l.provider);
    // The first request is hedged at 50 ms and provider 2 wins; each lost primary's time is a lower
    // bound that raises the delay until provider 1 answers inside it.
    expect(winners[0]).toBe('2');
    expect(logs[5]!.attempts.map((a) => a.lost === true)).toEqual([true, false]);
    expect(winners.slice(-3)).toEqual(['1', '1', '1']);
  });
});
