/**
 * SPEC 3.6 and 3.7: what every provider answer carries (`X-Backend-Source`, `X-Route-Attempts`,
 * `Server-Timing`) and what the client gets when every attempt failed.
 */
import { expect } from 'vitest';
import {
  appConfig,
  baseConfig,
  CONNECTION_FAILURE,
  errorAttempts,
  expectAttempts,
  expectEcho,
  expectRouterError,
  sameBase,
  serverTiming,
  type Scenario,
} from '../world.ts';

export const exhaustionScenarios: Scenario[] = [
  {
    name: 'when every provider answers 404 the client gets the last 404, not a 502',
    spec: '3.7',
    config: (u) => appConfig(u, 'all404', '123'),
    setup(w) {
      for (const up of [w.a, w.b, w.c]) up.set({ status: 404, body: `${up.name}-404` });
    },
    async run(w) {
      const answer = await w.send('/all404/api/x');
      expect(answer.status).toBe(404);
      expect(answer.text).toBe('c-404');
      expectAttempts(answer, ['1 404', '2 404', '3 404']);
    },
  },
  {
    name: 'when every connection fails the client gets 502 JSON listing the attempts',
    spec: '3.7',
    config: (u) => baseConfig(u, { providers: { '1': `${u.refused}/x`, '2': `${u.refused}/y` }, routes: { dead: { priority: '12' } } }),
    async run(w) {
      const body = expectRouterError(await w.send('/dead/api/x'), 502);
      expect(body.app).toBe('dead');
      const attempts = errorAttempts(body);
      expect(attempts.map((a) => a.split(' ')[0])).toEqual(['1', '2']);
      for (const attempt of attempts) expect(attempt.split(' ')[1]).toMatch(CONNECTION_FAILURE);
    },
  },
  {
    name: 'when the last failure is a timeout (and none answered) the client gets 504 JSON',
    spec: '3.7',
    config: (u) => baseConfig(u, { timeout_ms: 300, providers: { '1': u.refused, '2': u.a.url }, routes: { slow: { priority: '12' } } }),
    setup: (w) => w.a.set({ hang: true }),
    async run(w) {
      const body = expectRouterError(await w.send('/slow/api/x'), 504);
      const attempts = errorAttempts(body);
      expect(attempts[0]).toMatch(/^1 /);
      expect(attempts[0].split(' ')[1]).toMatch(CONNECTION_FAILURE);
      expect(attempts[1]).toBe('2 timeout');
    },
  },
  {
    name: 'a status answer beats later connection failures and timeouts: the last status is the answer',
    spec: '3.7',
    // 1 s, not less: a 503 that took longer than timeout_ms on a loaded machine would be a timeout,
    // and the answer a router-made 502, which is not what this row is about.
    config: (u) =>
      baseConfig(u, {
        timeout_ms: 1000,
        providers: { '1': u.a.url, '2': u.refused, '3': u.b.url },
        routes: { mixed: { priority: '12' }, mixed2: { priority: '13' } },
      }),
    setup(w) {
      w.a.set({ status: 503, body: 'a-503' });
      w.b.set({ hang: true });
    },
    async run(w) {
      const first = await w.send('/mixed/api/x');
      expect(first.status).toBe(503);
      expect(first.text).toBe('a-503');
      const second = await w.send('/mixed2/api/x');
      expect(second.status).toBe(503);
      expect(second.text).toBe('a-503');
    },
  },
  {
    name: "X-Backend-Source shows the answering provider's base URL by default",
    spec: '1, 3.6',
    config: (u) => baseConfig(u, { providers: { '1': `${u.a.url}/src-prefix`, '2': u.b.url }, routes: { src: { priority: '12' } } }),
    async run(w) {
      const first = await w.send('/src/api/x');
      expect(
        sameBase(first.header('x-backend-source'), `${w.a.url}/src-prefix`),
        `X-Backend-Source ${first.header('x-backend-source')}`,
      ).toBe(true);
      w.a.set({ status: 503 });
      const second = await w.send('/src/api/x');
      expect(sameBase(second.header('x-backend-source'), w.b.url), `X-Backend-Source ${second.header('x-backend-source')}`).toBe(true);
    },
  },
  {
    name: 'backend_source "id" shows the provider id',
    spec: '1, 3.6',
    config: (u) => appConfig(u, 'src-id', '12', {}, { backend_source: 'id' }),
    setup: (w) => w.a.set({ status: 500 }),
    async run(w) {
      const answer = await w.send('/src-id/api/x');
      expect(answer.header('x-backend-source')).toBe('2');
    },
  },
  {
    name: 'backend_source "off" sends no X-Backend-Source; X-Route-Attempts and Server-Timing remain',
    spec: '1, 3.6',
    config: (u) => appConfig(u, 'src-off', '1', {}, { backend_source: 'off' }),
    async run(w) {
      const answer = await w.send('/src-off/api/x');
      expectEcho(answer, w.a);
      expect(answer.header('x-backend-source')).toBeUndefined();
      expectAttempts(answer, ['1 200']);
    },
  },
  {
    name: 'X-Route-Attempts counts attempts and Server-Timing has one pN entry per attempt with its duration',
    spec: '3.6',
    config: (u) => appConfig(u, 'timing', '312', { timeout_ms: 300 }),
    setup(w) {
      w.c.set({ hang: true });
      w.a.set({ status: 502 });
    },
    async run(w) {
      const answer = await w.send('/timing/api/x');
      expectEcho(answer, w.b);
      expectAttempts(answer, ['3 timeout', '1 502', '2 200']);
      for (const entry of serverTiming(answer)) expect(entry.dur).toBeGreaterThanOrEqual(0);
    },
  },
];
