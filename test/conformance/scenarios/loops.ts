/**
 * SPEC 4: self (by `ROUTE_SELF` and by the Host a request arrived at) is never sent an HTTP
 * request; `X-No-Fallback: 1` gets exactly one attempt; `X-Route-Hops` >= `max_hops` answers 508
 * without contacting anyone. These apps are not in the registry `serve` hosts, so self is skipped.
 */
import { expect } from 'vitest';
import {
  appConfig,
  baseConfig,
  errorAttempts,
  expectAttempts,
  expectEcho,
  expectRouterError,
  expectUntouched,
  type Scenario,
} from '../world.ts';

export const loopScenarios: Scenario[] = [
  {
    name: 'X-No-Fallback: 1 gets exactly one attempt (its failure is the answer)',
    spec: '4',
    config: (u) =>
      baseConfig(u, {
        providers: { '1': u.a.url, '2': u.b.url, '3': u.refused },
        routes: { nofb: { priority: '12' }, nofb2: { priority: '32' } },
      }),
    setup: (w) => w.a.set({ status: 503, body: 'a-503' }),
    async run(w) {
      const answer = await w.send('/nofb/api/x', { headers: { 'x-no-fallback': '1' } });
      expect(answer.status).toBe(503);
      expect(answer.text).toBe('a-503');
      expectAttempts(answer, ['1 503']);
      const refused = await w.send('/nofb2/api/x', { headers: { 'x-no-fallback': '1' } });
      expect(errorAttempts(expectRouterError(refused, 502)).map((a) => a.split(' ')[0])).toEqual(['3']);
      expectUntouched(w.b);
      // Without the header the same request falls back as usual.
      expectEcho(await w.send('/nofb/api/x'), w.b);
    },
  },
  {
    name: 'X-Route-Hops >= max_hops (default 4) answers 508 without contacting anyone',
    spec: '1, 4',
    config: (u) => appConfig(u, 'hops', '12'),
    async run(w) {
      for (const hops of ['4', '5', '40']) {
        expectRouterError(await w.send('/hops/api/x', { headers: { 'x-route-hops': hops } }), 508);
      }
      expectUntouched(w.a, w.b);
      expectEcho(await w.send('/hops/api/x', { headers: { 'x-route-hops': '3' } }), w.a);
      expect(w.a.requests[0].headers['x-route-hops']).toBe('4');
    },
  },
  {
    name: 'a custom max_hops is honoured',
    spec: '1, 4',
    config: (u) => appConfig(u, 'hops2', '1', {}, { max_hops: 2 }),
    async run(w) {
      expectRouterError(await w.send('/hops2/api/x', { headers: { 'x-route-hops': '2' } }), 508);
      expectUntouched(w.a);
      expectEcho(await w.send('/hops2/api/x', { headers: { 'x-route-hops': '1' } }), w.a);
      expect(w.a.requests[0].headers['x-route-hops']).toBe('2');
    },
  },
  {
    name: 'self named by ROUTE_SELF is never sent a request: skipped without a local handler',
    spec: '4',
    // Provider 4 is one of those the router starts with: ROUTE_SELF naming no provider stops the start.
    env: () => ({ ROUTE_SELF: '4' }),
    config: (u) =>
      baseConfig(u, { providers: { '4': u.c.url, '2': u.b.url }, routes: { selfish: { priority: '42' }, only: { priority: '4' } } }),
    async run(w) {
      const answer = await w.send('/selfish/api/x');
      expectEcho(answer, w.b);
      expectAttempts(answer, ['2 200']);
      // Nothing left to try is a 502 (SPEC 3.7), never a request to self.
      expectRouterError(await w.send('/only/api/x'), 502);
      expectUntouched(w.c);
    },
  },
  {
    name: 'a provider whose origin is the one the request arrived at is self: skipped, no request loops back',
    spec: '4',
    config: (w) =>
      baseConfig(w, {
        providers: { '1': w.baseUrl, '2': w.b.url, '3': `${w.baseUrl}/mirror`, '5': `http://localhost:${new URL(w.baseUrl).port}` },
        routes: { loop: { priority: '12' }, loop3: { priority: '3' }, named: { priority: '52' } },
      }),
    async run(w) {
      // Reached as localhost:<port>, the provider http://localhost:<port> is self.
      const byName = await w.send('/named/api/x', { headers: { host: `localhost:${new URL(w.baseUrl).port}` } });
      expectEcho(byName, w.b);
      expectAttempts(byName, ['2 200']);
      w.b.reset();
      const answer = await w.send('/loop/api/x');
      expectEcho(answer, w.b);
      expectAttempts(answer, ['2 200']);
      expect(w.b.requests.map((r) => r.headers['x-route-hops'])).toEqual(['1']);
      expectRouterError(await w.send('/loop3/api/x'), 502);
    },
  },
];
