/**
 * SPEC 5: the circuit breaker, seen from outside: attempts that skip an open provider,
 * `/_router/health` states, half-open trials after the cooldown, and an all-open order tried
 * anyway. Every scenario uses provider ids and bases of its own, so no breaker state carries over
 * from one scenario to the next whatever the runtime keys its breakers by.
 */
import { expect } from 'vitest';
import { baseConfig, expectAttempts, expectEcho, sleep, type Scenario, type World } from '../world.ts';

const BREAKER = { failures: 2, cooldown_ms: 1000 };

/** One provider's entry in `/_router/health`. */
async function health(w: World, id: string): Promise<{ state?: string; consecutive_failures?: number }> {
  const answer = await w.send('/_router/health');
  // 503 "degraded" once some app has every provider open (SPEC 2); the provider entries are the same.
  expect(answer.status, answer.text).toBe(answer.json().status === 'degraded' ? 503 : 200);
  const providers = answer.json().providers as Record<string, { state?: string; consecutive_failures?: number }>;
  return providers[id] ?? {};
}

export const breakerScenarios: Scenario[] = [
  {
    name: 'after N consecutive failures a provider is open: shown in /_router/health and skipped; a success after the cooldown closes it',
    spec: '5',
    config: (u) =>
      baseConfig(u, { breaker: BREAKER, providers: { x: `${u.d.url}/brk-open`, '2': u.b.url }, routes: { brk: { priority: 'x2' } } }),
    setup: (w) => w.d.set({ status: 503 }),
    async run(w) {
      expectAttempts(await w.send('/brk/api/1'), ['x 503', '2 200']);
      expect(await health(w, 'x')).toMatchObject({ state: 'closed', consecutive_failures: 1 });
      expectAttempts(await w.send('/brk/api/2'), ['x 503', '2 200']);
      expect((await health(w, 'x')).state).toBe('open');
      const skipped = await w.send('/brk/api/3');
      expectEcho(skipped, w.b);
      expectAttempts(skipped, ['2 200']);
      expect(w.d.requests.length).toBe(2);
      // X-No-Fallback's one attempt goes to the first provider left in the order (SPEC 4).
      expectAttempts(await w.send('/brk/api/nofb', { headers: { 'x-no-fallback': '1' } }), ['2 200']);
      expect(w.d.requests.length).toBe(2);

      await sleep(BREAKER.cooldown_ms + 300);
      w.d.reset();
      const trial = await w.send('/brk/api/4');
      expectEcho(trial, w.d);
      expectAttempts(trial, ['x 200']);
      expect(await health(w, 'x')).toMatchObject({ state: 'closed', consecutive_failures: 0 });
    },
  },
  {
    name: 'after the cooldown the provider is half-open; a failed trial opens it again',
    spec: '5',
    config: (u) =>
      baseConfig(u, { breaker: BREAKER, providers: { y: `${u.d.url}/brk-half`, '2': u.b.url }, routes: { half: { priority: 'y2' } } }),
    setup: (w) => w.d.set({ status: 500 }),
    async run(w) {
      await w.send('/half/api/1');
      await w.send('/half/api/2');
      expect((await health(w, 'y')).state).toBe('open');
      await sleep(BREAKER.cooldown_ms + 300);
      expect((await health(w, 'y')).state).toBe('half-open');
      expectAttempts(await w.send('/half/api/3'), ['y 500', '2 200']);
      expect((await health(w, 'y')).state).toBe('open');
      expectAttempts(await w.send('/half/api/4'), ['2 200']);
      expect(w.d.requests.length).toBe(3);
    },
  },
  {
    name: 'connection errors and timeouts count as failures',
    spec: '5',
    config: (u) =>
      baseConfig(u, {
        breaker: BREAKER,
        timeout_ms: 300,
        providers: { s: `${u.refused}/brk-refused`, t: `${u.d.url}/brk-timeout`, '2': u.b.url },
        routes: { conn: { priority: 's2' }, slow: { priority: 't2' } },
      }),
    setup: (w) => w.d.set({ hang: true }),
    async run(w) {
      await w.send('/conn/api/1');
      await w.send('/conn/api/2');
      expect((await health(w, 's')).state).toBe('open');
      expectAttempts(await w.send('/conn/api/3'), ['2 200']);
      await w.send('/slow/api/1');
      await w.send('/slow/api/2');
      expect((await health(w, 't')).state).toBe('open');
      expectAttempts(await w.send('/slow/api/3'), ['2 200']);
    },
  },
  {
    name: 'a 404 (any non-5xx answer) is a success and resets the count',
    spec: '5',
    config: (u) =>
      baseConfig(u, { breaker: BREAKER, providers: { z: `${u.d.url}/brk-404`, '2': u.b.url }, routes: { nf: { priority: 'z2' } } }),
    async run(w) {
      w.d.set({ status: 404 });
      for (let i = 0; i < 3; i += 1) expectAttempts(await w.send(`/nf/api/${i}`), ['z 404', '2 200']);
      expect(await health(w, 'z')).toMatchObject({ state: 'closed', consecutive_failures: 0 });
      w.d.set({ status: 503 });
      await w.send('/nf/api/a');
      expect(await health(w, 'z')).toMatchObject({ state: 'closed', consecutive_failures: 1 });
      w.d.set({ status: 404 });
      await w.send('/nf/api/b');
      expect(await health(w, 'z')).toMatchObject({ state: 'closed', consecutive_failures: 0 });
      w.d.set({ status: 503 });
      await w.send('/nf/api/c');
      expect(await health(w, 'z')).toMatchObject({ state: 'closed', consecutive_failures: 1 });
    },
  },
  {
    name: 'when every provider of the order is open they are still tried in order',
    spec: '5',
    config: (u) =>
      baseConfig(u, {
        breaker: BREAKER,
        providers: { v: `${u.d.url}/brk-all-v`, u: `${u.c.url}/brk-all-u` },
        routes: { allopen: { priority: 'vu' } },
      }),
    setup(w) {
      w.d.set({ status: 503, body: 'd-503' });
      w.c.set({ status: 503, body: 'c-503' });
    },
    async run(w) {
      await w.send('/allopen/api/1');
      await w.send('/allopen/api/2');
      expect((await health(w, 'v')).state).toBe('open');
      expect((await health(w, 'u')).state).toBe('open');
      const answer = await w.send('/allopen/api/3');
      expect(answer.status).toBe(503);
      expect(answer.text).toBe('c-503');
      expectAttempts(answer, ['v 503', 'u 503']);
      expect(w.d.requests.length).toBe(3);
      expect(w.c.requests.length).toBe(3);
    },
  },
  {
    name: 'breaker: false never skips a failing provider',
    spec: '1, 5',
    config: (u) =>
      baseConfig(u, { breaker: false, providers: { q: `${u.d.url}/brk-off`, '2': u.b.url }, routes: { off: { priority: 'q2' } } }),
    setup: (w) => w.d.set({ status: 503 }),
    async run(w) {
      for (let i = 0; i < 5; i += 1) expectAttempts(await w.send(`/off/api/${i}`), ['q 503', '2 200']);
      expect(w.d.requests.length).toBe(5);
    },
  },
];
