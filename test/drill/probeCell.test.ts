import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeCell } from '../../infra/drill/index.ts';
import { freePort } from '../support/ports.ts';

// A fake router: each app name picks the answer, so one server plays every case.
type Answer = { status: number; headers: Record<string, string>; body: string; delayMs?: number } | 'never';
const ANSWERS: Record<string, Answer> = {
  fallback: {
    status: 200,
    headers: { 'x-route-attempts': '2', 'server-timing': 'p1;desc="2 timeout";dur=2501, p2;desc="1 200";dur=3' },
    body: '{}',
  },
  drained: {
    status: 503,
    headers: { 'x-route-attempts': '0' },
    body: '{"error":"draining: this deployment is disabled for a drill (ROUTE_DRAIN)"}',
  },
  exhausted: {
    status: 503,
    headers: { 'x-route-attempts': '2', 'server-timing': 'p1;desc="1 503";dur=2, p2;desc="2 503";dur=2' },
    body: '{}',
  },
  garbage: { status: 502, headers: {}, body: '<html>bad gateway</html>' },
  cached: { status: 200, headers: { 'x-route-attempts': '0', 'x-cache': 'HIT', 'x-backend-source': '1' }, body: '{}' },
  slow: { status: 200, headers: { 'x-route-attempts': '1', 'server-timing': 'p1;desc="3 200";dur=1200' }, body: '{}', delayMs: 1200 },
  hung: 'never',
};

let server: Server;
let router: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const answer = ANSWERS[req.url!.split('/')[1]!]!;
    if (answer === 'never') return;
    setTimeout(() => res.writeHead(answer.status, answer.headers).end(answer.body), answer.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  router = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('Function: probeCell', () => {
  it.each([
    ['a fallback after a timeout', 'fallback', '1 (2: timeout)'],
    ['a drained router', 'drained', '503 draining'],
    ['every attempt failed', 'exhausted', '503 none (1: 503, 2: 503)'],
    ['a non-JSON 502 without attempts', 'garbage', '502 none'],
    ['an edge cache hit', 'cached', '1 hit'],
    ['an answer that took over a second, with its time', 'slow', /^3 1\.\d s$/],
    ['no answer within the wait', 'hung', 'no answer in 0.3 s'],
  ])('%s (%s)', async (_name, app, expected) => {
    const providers = { '1': 'http://127.0.0.1:8787', '2': 'http://127.0.0.1:8788', '3': 'http://127.0.0.1:8789' };
    const text = await probeCell(router, app, { providers, timeoutMs: app === 'hung' ? 300 : 5000 });
    if (typeof expected === 'string') expect(text).toBe(expected);
    else expect(text).toMatch(expected);
  });

  it('a refused port reads down: connection refused', async () => {
    expect(await probeCell(`http://127.0.0.1:${await freePort()}`, 'task', { timeoutMs: 1000 })).toBe('down: connection refused');
  });
});
