import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenLocal } from '../support/listenLocal.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { createHttpTransport } from '../../functions/node/httpTransport.ts';
import { createPoolTransport } from '../../functions/node/poolTransport.ts';
import type { UpstreamInit } from '../../shared/index.ts';
import { cleanups } from '../support/cleanups.ts';

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
  let closed = 0;
  server.on('connection', (socket) => {
    connections++;
    socket.on('close', () => closed++);
  });
  server.keepAliveTimeout = 60_000;
  const port = await listenLocal(server, cleanups);
  return { seen, connections: () => connections, closed: () => closed, port };
}

// Both Node transports: node:http for the Lambda, undici's pools for Express.
// undici's pool may open more sockets under load (a client just done is briefly busy), up to its
// limit, but never closes one between bursts; node:http's agent reuses exactly the sockets it has.
const TRANSPORTS = [
  { name: 'createHttpTransport', create: createHttpTransport, opensOnceWarm: false },
  { name: 'createPoolTransport', create: createPoolTransport, opensOnceWarm: true },
];
let create: (typeof TRANSPORTS)[number]['create'] = createHttpTransport;

function transport() {
  const t = create();
  cleanups.push(() => t.close());
  return t;
}

/** A raw TCP upstream that answers every request with `answer` as written (a hostile provider). */
async function rawUpstream(answer: string) {
  const server = net.createServer((socket) => socket.on('data', () => socket.end(answer)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
}

const init = (over: Partial<UpstreamInit> = {}): UpstreamInit => ({
  method: 'GET',
  headers: new Headers({ 'x-request-id': 'r1' }),
  body: null,
  signal: new AbortController().signal,
  redirect: 'manual',
  ...over,
});

describe.each(TRANSPORTS)('Function: $name', ({ create: make, opensOnceWarm }) => {
  beforeEach(() => {
    create = make;
  });

  it('keeps the sockets of a burst of 100 for the next bursts: none closed, at most its limit open', async () => {
    // Prepare: an upstream that holds each answer 100 ms, so 100 requests overlap.
    const up = await upstream(100);
    const send = transport();
    const burst = () => Promise.all(Array.from({ length: 100 }, () => send(`http://127.0.0.1:${up.port}/x`, init()).then((r) => r.text())));
    // Act: three bursts of 100 concurrent requests.
    await burst();
    await burst();
    const warm = up.connections();
    await burst();
    // Assert: no socket was closed (the old idle limit of 64 closed 36 of them each burst), none
    // beyond the limit of 256 opened, and node:http's agent opened none once warm.
    expect(up.closed()).toBe(0);
    expect(up.connections()).toBeLessThanOrEqual(256);
    if (!opensOnceWarm) expect(up.connections()).toBe(warm);
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

  // A provider's answer the core must survive: each row resolves or rejects, and nothing is left
  // to throw later (vitest fails the run on an uncaught exception).
  it.each([
    { name: 'an invalid status (600)', answer: 'HTTP/1.1 600 Weird\r\ncontent-length: 2\r\n\r\nok', outcome: 'rejects' },
    { name: 'a status line that is not HTTP', answer: 'nonsense\r\n\r\n', outcome: 'rejects' },
    { name: 'a body cut short of its length', answer: 'HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nok', outcome: 'body fails' },
    { name: 'an answer nobody reads, cancelled', answer: 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok', outcome: 'cancelled' },
    { name: 'a 204 with no body', answer: 'HTTP/1.1 204 No Content\r\n\r\n', outcome: 'no body' },
  ])('$name: $outcome, and nothing throws afterwards', async ({ answer, outcome }) => {
    const url = await rawUpstream(answer);
    const sent = transport()(url, init());
    if (outcome === 'rejects') {
      await expect(sent).rejects.toThrow();
    } else {
      const response = await sent;
      if (outcome === 'body fails') await expect(response.text()).rejects.toThrow();
      if (outcome === 'cancelled') await response.body?.cancel();
      if (outcome === 'no body') expect(response.body).toBeNull();
    }
    // Let any late error event fire before the row ends.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
});
