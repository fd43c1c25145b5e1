/**
 * SPEC 3.5 and 3.7 for request bodies: replay on fallback, `max_body_bytes` (413), and
 * `idempotent_only` writes.
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

export const bodyScenarios: Scenario[] = [
  {
    name: 'a POST body is replayed to each provider with the same method and headers',
    spec: '3.5',
    config: (u) => appConfig(u, 'replay', '123'),
    setup(w) {
      w.a.set({ status: 503 });
      w.b.set({ status: 502 });
    },
    async run(w) {
      const body = JSON.stringify({ text: 'x'.repeat(2000), n: 42 });
      for (const method of ['POST', 'PATCH']) {
        const answer = await w.send('/replay/api/items', {
          method,
          body,
          headers: { 'content-type': 'application/json', 'x-custom': 'same' },
        });
        expectEcho(answer, w.c);
        expectAttempts(answer, ['1 503', '2 502', '3 200']);
      }
      // Every attempt of one request carries the same headers, generated ones included.
      const same = [
        'x-request-id',
        'x-forwarded-for',
        'x-forwarded-host',
        'x-forwarded-proto',
        'x-route-hops',
        'x-no-fallback',
        'content-type',
        'x-custom',
      ];
      for (const index of [0, 1]) {
        const pick = (i: number) => Object.fromEntries(same.map((h) => [h, [w.a, w.b, w.c][i].requests[index]?.headers[h]]));
        expect(pick(1)).toEqual(pick(0));
        expect(pick(2)).toEqual(pick(0));
      }
      for (const up of [w.a, w.b, w.c]) {
        expect(up.requests.map((r) => r.method)).toEqual(['POST', 'PATCH']);
        for (const request of up.requests) {
          expect(request.body.toString(), `${up.name} got the whole body`).toBe(body);
          expect(request.headers['content-type']).toBe('application/json');
          expect(request.headers['x-custom']).toBe('same');
        }
      }
    },
  },
  {
    name: 'a body over max_body_bytes answers 413 before any provider is contacted',
    spec: '1, 3.5',
    config: (u) =>
      baseConfig(u, { max_body_bytes: 500, routes: { small: { priority: '1', max_body_bytes: 1000 }, tiny: { priority: '1' } } }),
    async run(w) {
      expectRouterError(await w.send('/small/api/x', { method: 'POST', body: 'x'.repeat(1001) }), 413);
      expectRouterError(await w.send('/small/api/chunked', { method: 'POST', body: 'x'.repeat(1500), chunked: true }), 413);
      expectRouterError(await w.send('/tiny/api/x', { method: 'PUT', body: 'x'.repeat(501) }), 413);
      expectUntouched(w.a);
      expectEcho(await w.send('/small/api/x', { method: 'POST', body: 'x'.repeat(1000) }), w.a);
      expectEcho(await w.send('/tiny/api/x', { method: 'POST', body: 'x'.repeat(500) }), w.a);
    },
  },
  {
    name: 'max_body_bytes defaults to 10 MiB: one byte more answers 413',
    spec: '1, 3.5',
    config: (u) => appConfig(u, 'bigbody', '1'),
    async run(w) {
      const tooBig = await w.send('/bigbody/api/x', { method: 'POST', body: Buffer.alloc(10_485_761, 120) });
      // A Function URL refuses payloads over 6 MB itself (its own 413 body, not the router's).
      if (w.runtime === 'lambda') expect(tooBig.status).toBe(413);
      else expectRouterError(tooBig, 413);
      expectUntouched(w.a);
      expectEcho(await w.send('/bigbody/api/x', { method: 'POST', body: Buffer.alloc(1_048_576, 120) }), w.a);
      expect(w.a.requests[0].body.length).toBe(1_048_576);
    },
  },
  {
    name: 'an early 413 reaches a client that is still uploading (no reset over unread bytes)',
    spec: '3.5',
    config: (u) => appConfig(u, 'bigbody2', '1', { max_body_bytes: 1_000_000 }),
    async run(w) {
      // RFC 9112 9.6: a server that answers before reading the whole request must not close at
      // once over unread bytes (it would reset the connection and destroy its own answer): it
      // judges Content-Length up front, or drains/lingers before closing.
      for (let i = 0; i < 3; i += 1) {
        const answer = await w.send('/bigbody2/api/x', { method: 'POST', body: Buffer.alloc(8_000_000, 120) });
        if (w.runtime === 'lambda') expect(answer.status).toBe(413);
        else expectRouterError(answer, 413);
      }
      expectUntouched(w.a);
    },
  },
  {
    name: 'idempotent_only: a POST whose connection was refused falls back',
    spec: '1, 3.5',
    skip: ['worker'],
    skipReason:
      'workerd reports a refused connection exactly like one dropped after the request was sent ("Network connection lost.", retryable: true): a Worker cannot know the POST was not sent, so it safely does not fall back',
    config: (u) =>
      baseConfig(u, { providers: { '1': u.refused, '2': u.b.url }, routes: { idem: { priority: '12', idempotent_only: true } } }),
    async run(w) {
      const answer = await w.send('/idem/api/x', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
      expectEcho(answer, w.b);
      expect(w.b.requests[0].body.toString()).toBe('{"a":1}');
    },
  },
  {
    name: 'idempotent_only: a POST/PATCH answered 503 ends there; PUT, DELETE and GET still fall back',
    spec: '1, 3.5, 3.7',
    config: (u) => appConfig(u, 'idem-status', '12', { idempotent_only: true }),
    setup: (w) => w.a.set({ status: 503, body: 'a 503' }),
    async run(w) {
      for (const method of ['POST', 'PATCH']) {
        const answer = await w.send('/idem-status/api/x', { method, body: '{}' });
        expect(answer.status, method).toBe(503);
        expect(answer.text).toBe('a 503');
        expectAttempts(answer, ['1 503']);
      }
      expectUntouched(w.b);
      for (const method of ['PUT', 'DELETE', 'GET']) {
        const answer = await w.send('/idem-status/api/x', { method, ...(method === 'PUT' ? { body: '{}' } : {}) });
        expectEcho(answer, w.b);
      }
    },
  },
  {
    name: 'idempotent_only: a POST that timed out answers 504 without trying the next provider',
    spec: '1, 3.7',
    config: (u) => appConfig(u, 'idem-timeout', '12', { idempotent_only: true, timeout_ms: 300 }),
    setup: (w) => w.a.set({ hang: true }),
    async run(w) {
      const body = expectRouterError(await w.send('/idem-timeout/api/x', { method: 'POST', body: '{}' }), 504);
      expect(errorAttempts(body)).toEqual(['1 timeout']);
      expectUntouched(w.b);
    },
  },
];
