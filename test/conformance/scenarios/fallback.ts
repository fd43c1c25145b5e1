/**
 * SPEC 3.5: what counts as a failure (`fallback_on`, connection errors) and what is the answer.
 */
import { expect } from 'vitest';
import {
  appConfig,
  baseConfig,
  CONNECTION_FAILURE,
  expectAttempts,
  expectEcho,
  expectUntouched,
  serverTiming,
  type Scenario,
} from '../world.ts';

export const fallbackScenarios: Scenario[] = [
  {
    name: 'by default 404 and every 5xx fall back to the next provider',
    spec: '1, 3.5',
    config: (u) => appConfig(u, 'fb', '12'),
    async run(w) {
      for (const status of [404, 500, 502, 503, 504, 599]) {
        w.a.set({ status, body: `a failed with ${status}`, headers: { 'set-cookie': 'from-failed-attempt=1', 'x-from': 'a' } });
        const answer = await w.send(`/fb/api/${status}?q=${status}`);
        expectEcho(answer, w.b);
        expectAttempts(answer, [`1 ${status}`, '2 200']);
        // The failed attempt is discarded whole: none of its headers reach the client.
        expect(answer.headers['set-cookie']).toBeUndefined();
        expect(answer.header('x-from')).toBeUndefined();
      }
      expect(w.b.requests.map((r) => r.url)).toEqual(w.a.requests.map((r) => r.url));
    },
  },
  {
    name: 'any other status (2xx, 3xx, 400, 401, 403, 409, 422, 429...) is the answer, body and headers as sent',
    spec: '3.5',
    config: (u) => appConfig(u, 'final', '12'),
    async run(w) {
      for (const status of [200, 201, 202, 204, 400, 401, 403, 405, 409, 410, 418, 422, 429]) {
        const body = status === 204 ? undefined : `a says ${status}`;
        w.a.set({ status, headers: { 'x-from': 'a' }, ...(body === undefined ? {} : { body }) });
        const answer = await w.send(`/final/api/${status}`);
        expect(answer.status).toBe(status);
        expect(answer.text).toBe(body ?? '');
        expect(answer.header('x-from')).toBe('a');
        expectAttempts(answer, [`1 ${status}`]);
      }
      expectUntouched(w.b);
    },
  },
  {
    name: 'a route fallback_on replaces the default and the top-level one',
    spec: '1, 3.5',
    config: (u) => appConfig(u, 'custom', '12', { fallback_on: [409, 502] }, { fallback_on: [503] }),
    async run(w) {
      for (const status of [409, 502]) {
        w.a.set({ status });
        expectAttempts(await w.send(`/custom/api/${status}`), [`1 ${status}`, '2 200']);
      }
      for (const status of [503, 404, 500]) {
        w.a.set({ status, body: `a ${status}` });
        const answer = await w.send(`/custom/api/${status}`);
        expect(answer.status, `${status} is not in this route's fallback_on`).toBe(status);
        expect(answer.text).toBe(`a ${status}`);
      }
      expect(w.b.requests.length).toBe(2);
    },
  },
  {
    name: 'a top-level fallback_on applies to routes without their own',
    spec: '1, 3.5',
    config: (u) => appConfig(u, 'topfb', '12', {}, { fallback_on: [409] }),
    async run(w) {
      w.a.set({ status: 409 });
      expectAttempts(await w.send('/topfb/api/409'), ['1 409', '2 200']);
      w.a.set({ status: 500, body: 'a 500' });
      const answer = await w.send('/topfb/api/500');
      expect(answer.status).toBe(500);
      expect(answer.text).toBe('a 500');
    },
  },
  {
    name: 'fallback_on "4xx" covers every 4xx and nothing else',
    spec: '1, 3.5',
    config: (u) => appConfig(u, 'fourxx', '12', { fallback_on: ['4xx'] }),
    async run(w) {
      for (const status of [400, 404, 429, 451]) {
        w.a.set({ status });
        expectAttempts(await w.send(`/fourxx/api/${status}`), [`1 ${status}`, '2 200']);
      }
      w.a.set({ status: 503, body: 'a 503' });
      const answer = await w.send('/fourxx/api/503');
      expect(answer.status).toBe(503);
      expect(answer.text).toBe('a 503');
    },
  },
  {
    name: 'connection failures (refused, destroyed without an answer, garbage) fall back',
    spec: '3.5',
    config: (u) =>
      baseConfig(u, {
        providers: { '1': u.refused, '2': u.b.url, '3': u.a.url },
        routes: { refused: { priority: '12' }, broken: { priority: '32' } },
      }),
    async run(w) {
      const refused = await w.send('/refused/api/x');
      expectEcho(refused, w.b);
      const timing = serverTiming(refused);
      expect(timing.map((t) => t.provider)).toEqual(['1', '2']);
      expect(timing[0].outcome).toMatch(CONNECTION_FAILURE);
      for (const failure of [{ destroy: true }, { garbage: true }]) {
        w.a.set(failure);
        const answer = await w.send('/broken/api/x');
        expectEcho(answer, w.b);
        const entries = serverTiming(answer);
        expect(entries.map((t) => t.provider)).toEqual(['3', '2']);
        expect(entries[0].outcome, JSON.stringify(failure)).toMatch(CONNECTION_FAILURE);
      }
    },
  },
  {
    name: 'HEAD is routed and answered without a body',
    spec: '2, 3.5',
    config: (u) => appConfig(u, 'head', '12'),
    setup: (w) => w.a.set({ headers: { 'x-from': 'a', 'content-type': 'text/plain' }, body: 'twelve bytes' }),
    async run(w) {
      const answer = await w.send('/head/api/x', { method: 'HEAD' });
      expect(answer.status).toBe(200);
      expect(answer.body.length).toBe(0);
      expect(answer.header('x-from')).toBe('a');
      expect(w.a.requests.map((r) => r.method)).toEqual(['HEAD']);
    },
  },
];
