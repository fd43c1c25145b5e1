import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport } from '../../functions/node/httpTransport.ts';
import type { UpstreamInit } from '../../shared/index.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
}

/** An upstream on 127.0.0.1 that records each request and counts connections; answers after `delayMs`. */
async function upstream(delayMs = 0) {
  const seen: Seen[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => setTimeout(() => res.end('ok'), delayMs));
  });
  server.on('connection', () => connections++);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { seen, connections: () => connections, port: (server.address() as AddressInfo).port };
}

function transport() {
  const t = createHttpTransport();
  cleanups.push(() => t.close());
  return t;
}

const init = (over: Partial<UpstreamInit> = {}): UpstreamInit => ({
  method: 'GET',
  headers: new Headers({ 'x-request-id': 'r1' }),
  body: null,
  signal: new AbortController().signal,
  redirect: 'manual',
  ...over,
});

describe('Function: createHttpTransport', () => {
  it('keeps every socket of a burst above 64 for the next burst: no reconnect churn at high concurrency', async () => {
    // Prepare: an upstream that holds each answer 100 ms, so 100 requests overlap.
    const up = await upstream(100);
    const send = transport();
    const burst = () => Promise.all(Array.from({ length: 100 }, () => send(`http://127.0.0.1:${up.port}/x`, init()).then((r) => r.text())));
    // Act: two bursts of 100 concurrent requests.
    await burst();
    const afterFirst = up.connections();
    await burst();
    // Assert: the second burst reuses the sockets of the first (the old idle limit of 64 closed 36 of them).
    expect(afterFirst).toBe(100);
    expect(up.connections()).toBe(100);
  });

  it.each([
    ['a path and query', '/task/api/items?x=1&y=%20', '/task/api/items?x=1&y=%20'],
    ['no path at all', '', '/'],
    ['an upper-case scheme', null, '/Up'],
    ['userinfo (never cached with the origin)', 'user', '/p'],
    ['encoded dot segments (the URL parser resolves them)', '/a/%2e%2e/b', '/b'],
    ['a dot segment', '/a/./b', '/a/b'],
    ['a space (the URL parser encodes it)', '/a b', '/a%20b'],
  ])('sends the path the URL parser gives for %s', async (_name, path, expected) => {
    // Prepare: one upstream; the URL as the router would build it.
    const up = await upstream();
    const base = `http://127.0.0.1:${up.port}`;
    const url = path === null ? `HTTP://127.0.0.1:${up.port}/Up` : path === 'user' ? `http://u:p@127.0.0.1:${up.port}/p` : `${base}${path}`;
    // Act: the same origin twice (the second goes through the origin cache).
    const send = transport();
    for (let i = 0; i < 2; i++) await (await send(url, init())).text();
    // Assert: both requests reached the path `new URL()` gives.
    expect(up.seen.map((s) => s.url)).toEqual([expected, expected]);
  });

  it('sends the same forwarded headers on every attempt, each with its own Content-Length', async () => {
    // Prepare: one Headers object shared by three attempts, as the router's attempts share it.
    const up = await upstream();
    const headers = new Headers({ 'x-request-id': 'r1', 'x-forwarded-host': 'h' });
    const send = transport();
    const url = `http://127.0.0.1:${up.port}/p`;
    // Act: a POST with 5 bytes, a POST with none, then a GET.
    await (await send(url, init({ method: 'POST', headers, body: new TextEncoder().encode('hello') }))).text();
    await (await send(url, init({ method: 'POST', headers }))).text();
    await (await send(url, init({ headers }))).text();
    // Assert: each carries the shared headers and only its own length.
    expect(up.seen.map((s) => [s.headers['x-request-id'], s.headers['x-forwarded-host'], s.headers['content-length']])).toEqual([
      ['r1', 'h', '5'],
      ['r1', 'h', '0'],
      ['r1', 'h', undefined],
    ]);
  });
});
