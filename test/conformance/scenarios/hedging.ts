/**
 * Issue 15: hedged fallback and gentle failback, seen from outside through `serve`. Hedging is
 * off unless `hedge_after_ms` is set; it is only for GET/HEAD/OPTIONS and requests carrying
 * `Idempotency-Key`; the loser is aborted (its connection closed) and both attempts are listed in
 * `X-Route-Attempts` and `Server-Timing` (the loser as `aborted`). The failback row uses
 * provider ids of its own so no breaker state carries over.
 */
import { expect } from 'vitest';
import { appConfig, baseConfig, expectAttempts, expectEcho, expectUntouched, sleep, type Scenario } from '../world.ts';

const HEDGE = { timeout_ms: 2000, hedge_after_ms: 150 };

export const hedgingScenarios: Scenario[] = [
  {
    name: 'hedged GET: provider 1 has no headers after hedge_after_ms, provider 2 starts in parallel and wins; provider 1 is aborted',
    spec: 'issue 15',
    config: (u) => appConfig(u, 'hedge', '12', HEDGE),
    setup: (w) => w.a.set({ hang: true }),
    async run(w) {
      const answer = await w.send('/hedge/api/x');
      expectEcho(answer, w.b);
      expectAttempts(answer, ['1 aborted', '2 200']);
      await w.a.waitForAbort(0, 3000);
    },
  },
  {
    name: 'hedged GET: provider 1 answers after the hedge started and wins; the hedge is aborted',
    spec: 'issue 15',
    config: (u) => appConfig(u, 'hedge-p', '12', HEDGE),
    setup(w) {
      w.a.set({ delayMs: 500 });
      w.b.set({ hang: true });
    },
    async run(w) {
      const answer = await w.send('/hedge-p/api/x');
      expectEcho(answer, w.a);
      expectAttempts(answer, ['1 200', '2 aborted']);
      await w.b.waitForAbort(0, 3000);
    },
  },
  {
    name: 'hedged fallback never applies to a POST without Idempotency-Key: provider 2 only after provider 1 timed out',
    spec: 'issue 15',
    config: (u) => appConfig(u, 'hedge-post', '12', { timeout_ms: 500, hedge_after_ms: 100 }),
    setup: (w) => w.a.set({ hang: true }),
    async run(w) {
      const answer = await w.send('/hedge-post/api/x', { method: 'POST', body: 'once' });
      expectEcho(answer, w.b);
      expectAttempts(answer, ['1 timeout', '2 200']);
    },
  },
  {
    name: 'a POST carrying Idempotency-Key is hedged, with its body sent to both providers',
    spec: 'issue 15',
    config: (u) => appConfig(u, 'hedge-key', '12', HEDGE),
    setup: (w) => w.a.set({ hang: true }),
    async run(w) {
      const answer = await w.send('/hedge-key/api/x', { method: 'POST', body: 'payload', headers: { 'idempotency-key': 'k-15' } });
      expectEcho(answer, w.b);
      expectAttempts(answer, ['1 aborted', '2 200']);
      expect(w.b.requests[0]!.body.toString()).toBe('payload');
    },
  },
  {
    name: 'hedging is off by default: a slow provider 1 is waited for, provider 2 is not contacted',
    spec: 'issue 15',
    config: (u) => appConfig(u, 'hedge-off', '12', { timeout_ms: 2000 }),
    setup: (w) => w.a.set({ delayMs: 400 }),
    async run(w) {
      const answer = await w.send('/hedge-off/api/x');
      expectEcho(answer, w.a);
      expectAttempts(answer, ['1 200']);
      expectUntouched(w.b);
    },
  },
  {
    name: 'gentle failback: a provider back from an open breaker leads only a small share of requests at first, and is never removed',
    spec: 'issue 15',
    config: (u) =>
      baseConfig(u, {
        breaker: { failures: 1, cooldown_ms: 500 },
        failback: { ramp_ms: 600_000, start_share: 0.01 },
        providers: { r: `${u.d.url}/failback`, '2': u.b.url },
        routes: { ramp: { priority: 'r2' } },
      }),
    setup: (w) => w.d.set({ status: 503 }),
    async run(w) {
      expectAttempts(await w.send('/ramp/api/1'), ['r 503', '2 200']);
      await sleep(800);
      w.d.reset();
      // The half-open probe succeeds: the breaker closes and the ramp starts at 1%.
      expectAttempts(await w.send('/ramp/api/probe'), ['r 200']);
      const leads = [];
      for (let i = 0; i < 10; i++) leads.push(((await w.send(`/ramp/api/${i}`)).json().upstream as string) === w.d.name);
      // At 1% the chance that r leads 3 or more of 10 is about 1 in 6000.
      expect(leads.filter(Boolean).length).toBeLessThanOrEqual(2);
      // Never removed: when provider 2 fails, r is still tried.
      w.b.set({ status: 503 });
      expectEcho(await w.send('/ramp/api/last'), w.d);
      w.b.reset();
    },
  },
];
