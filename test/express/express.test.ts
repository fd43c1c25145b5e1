import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { ConfigValidationError, createRouter } from '../../shared/index.ts';
import { createFileConfig, routerMiddleware, startExpressRouter } from '../../functions/express/index.ts';
import { createHttpTransport } from '../../functions/node/httpTransport.ts';
import { cleanups } from '../support/cleanups.ts';

function upstream(handler: http.RequestListener): Promise<{ url: string; requests: http.IncomingMessage[]; closed: () => number }> {
  const requests: http.IncomingMessage[] = [];
  let closedSockets = 0;
  const server = http.createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  server.on('connection', (s) => s.on('close', () => closedSockets++));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      cleanups.push(() => {
        server.closeAllConnections();
        return new Promise((r) => server.close(() => r()));
      });
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, closed: () => closedSockets });
    }),
  );
}

function configFile(config: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hadoku-express-'));
  const file = path.join(dir, 'route-config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

function atomicWrite(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

async function start(config: unknown, extra: Partial<Parameters<typeof startExpressRouter>[0]> = {}) {
  const file = configFile(config);
  // No shared-health prober: these tests try dead providers first on purpose (healthProber.test.ts covers it).
  const env = { ...process.env, ROUTE_HEALTH_INTERVAL_S: 'off' };
  const router = await startExpressRouter({ configPath: file, port: 0, env, log: () => {}, configLog: () => {}, ...extra });
  cleanups.push(() => router.close());
  return { router, file };
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 3000): Promise<{ value: T; elapsed: number }> {
  const started = Date.now();
  for (;;) {
    const value = await fn();
    if (ok(value) || Date.now() - started > ms) return { value, elapsed: Date.now() - started };
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Function: startExpressRouter', () => {
  it('refuses to start on an invalid file, listing every error', async () => {
    const file = configFile({ providers: { '1': 'nope' }, global_priority: '19' });
    const error = await startExpressRouter({ configPath: file, port: 0 }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error.errors.join('\n')).toMatch(/providers\.1[\s\S]*global_priority/);
  });

  it('SPEC 7: a valid edit is used by new requests within 1 s; an invalid one keeps the last good and shows last_error', async () => {
    const a = await upstream((_q, s) => s.end('a'));
    const b = await upstream((_q, s) => s.end('b'));
    const { router, file } = await start({ providers: { '1': a.url, '2': b.url }, global_priority: '1' });
    expect(await (await fetch(`${router.url}/x/api/`)).text()).toBe('a');
    atomicWrite(file, JSON.stringify({ providers: { '1': a.url, '2': b.url }, global_priority: '2' }));
    const flipped = await until(
      () => fetch(`${router.url}/x/api/`).then((r) => r.text()),
      (t) => t === 'b',
    );
    expect(flipped.value).toBe('b');
    writeFileSync(file, '{"providers": {"1": '); // half-written
    const rejected = await until(
      () => fetch(`${router.url}/_config/route`).then((r) => r.json()),
      (j) => j.last_error !== null,
    );
    expect(rejected.value.last_error).toMatch(/not valid JSON/);
    expect(await (await fetch(`${router.url}/x/api/`)).text()).toBe('b');
    writeFileSync(file, JSON.stringify({ providers: { '1': a.url, '2': b.url }, global_priority: '1' }));
    const healed = await until(
      () => fetch(`${router.url}/_config/route`).then((r) => r.json()),
      (j) => j.last_error === null && j.global_priority === '1',
    );
    expect(healed.value.global_priority).toBe('1');
  });

  it('streams the body and passes compressed bodies through with truthful headers', async () => {
    const gz = gzipSync(Buffer.from('hello '.repeat(1000)));
    const up = await upstream((_q, s) => {
      s.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(gz.length), 'content-type': 'text/plain' });
      s.end(gz);
    });
    const { router } = await start({ providers: { '1': up.url }, global_priority: '1' });
    const res = await fetch(`${router.url}/x/api/`);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(await res.text()).toBe('hello '.repeat(1000)); // fetch decodes: the bytes were real gzip
  });

  it('aborts the upstream attempt when the client goes away', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((r) => (upstreamClosed = r));
    const up = await upstream((req) => req.socket.on('close', () => upstreamClosed())); // never answers
    const { router } = await start({ providers: { '1': up.url }, global_priority: '1', timeout_ms: 60_000 });
    const controller = new AbortController();
    const pending = fetch(`${router.url}/x/api/`, { signal: controller.signal }).catch(() => 'aborted');
    await until(
      async () => up.requests.length,
      (n) => n === 1,
    );
    controller.abort();
    expect(await pending).toBe('aborted');
    await expect(Promise.race([closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open'), 3000))])).resolves.toBe(
      'closed',
    );
  });

  it('survives a provider that closes mid-body or answers garbage', async () => {
    const midBody = await upstream((_q, s) => {
      s.writeHead(200, { 'content-length': '1000' });
      s.write('partial');
      setTimeout(() => s.socket?.destroy(), 10);
    });
    const garbage = http.createServer();
    garbage.on('connection', (socket) => socket.end('NOT HTTP AT ALL\r\n\r\n'));
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => garbage.close(() => r())));
    const garbageUrl = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}`;
    const ok = await upstream((_q, s) => s.end('ok'));
    const { router } = await start({
      providers: { '1': midBody.url, '2': garbageUrl, '3': ok.url },
      routes: { mid: { priority: '1' }, junk: { priority: '23' } },
    });
    await fetch(`${router.url}/mid/api/`)
      .then((r) => r.text())
      .catch(() => 'cut');
    const junk = await fetch(`${router.url}/junk/api/`);
    expect(await junk.text()).toBe('ok');
    expect(junk.headers.get('server-timing')).toContain('desc="2 error"');
    expect((await fetch(`${router.url}/_router/health`)).status).toBe(200);
  });

  it('serves a static folder for paths that are not routed, and 404 JSON otherwise', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hadoku-static-'));
    writeFileSync(path.join(dir, 'index.html'), '<h1>site</h1>');
    const { router } = await start({ providers: { '1': 'http://127.0.0.1:9' } }, { staticDir: dir });
    expect(await (await fetch(`${router.url}/index.html`)).text()).toBe('<h1>site</h1>');
    const missing = await fetch(`${router.url}/missing.txt`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not found' });
  });

  it('sends upstream through the transport it is given, and closes it with the server', async () => {
    // Prepare: a transport that answers from memory and records its calls and its close.
    const calls: string[] = [];
    let closed = 0;
    const transport = Object.assign(
      async (url: string) => {
        calls.push(url);
        return new Response('from the given transport', { status: 200 });
      },
      { close: () => void closed++ },
    );
    const { router } = await start({ providers: { '1': 'http://127.0.0.1:9' }, global_priority: '1' }, { transport });
    // Act
    const answer = await fetch(`${router.url}/task/api/items`);
    const text = await answer.text();
    await router.close();
    // Assess
    expect(text).toBe('from the given transport');
    expect(calls).toEqual(['http://127.0.0.1:9/task/api/items']);
    expect(closed).toBe(1);
  });

  it('answers 400 JSON to a malformed request target, never contacting a provider', async () => {
    const up = await upstream((_q, s) => s.end('x'));
    const { router } = await start({ providers: { '1': up.url }, global_priority: '1' });
    const status = await new Promise<number>((resolve) => {
      const req = http.request(`${router.url}/x/api/%zz`, { method: 'GET' }, (res) => resolve(res.statusCode!));
      req.end();
    });
    expect(status).toBe(400);
    expect(up.requests).toHaveLength(0);
  });
});

describe('Function: routerMiddleware (mounted in a parent app)', () => {
  it('lets the parent API serve the self provider in-process, body replayed to its parsers, and falls back when it 404s', async () => {
    // Prepare: provider 2 is elsewhere; provider 1 is this parent app itself (ROUTE_SELF=1).
    const remote = await upstream((req, s) => {
      let body = '';
      req.on('data', (c) => (body += c)).on('end', () => s.end(`remote:${body}`));
    });
    const file = configFile({ providers: { '1': 'http://127.0.0.1:1', '2': remote.url }, routes: { task: { priority: '12' } } });
    const config = await createFileConfig({ file, env: {}, log: () => {} });
    cleanups.push(() => config.close());
    const router = createRouter({ config: config.manager, fetch: createHttpTransport(), self: '1', log: () => {} });
    const app = express();
    app.use(routerMiddleware({ router, chainAsLocal: true }));
    app.use(express.json());
    app.post('/task/api/items', (req, res) => res.status(201).json({ served: 'local', got: req.body }));
    app.get('/', (_req, res) => res.send('home'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Act
    const local = await fetch(`${base}/task/api/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    const fellBack = await fetch(`${base}/task/api/unknown`, { method: 'POST', body: 'raw' });
    // Assess
    expect(local.status).toBe(201);
    expect(await local.json()).toEqual({ served: 'local', got: { a: 1 } });
    expect(local.headers.get('server-timing')).toContain('p1;desc="1 201"');
    expect(remote.requests).toHaveLength(1);
    expect(await fellBack.text()).toBe('remote:raw');
    expect(fellBack.headers.get('server-timing')).toMatch(/p1;desc="1 404".*p2;desc="2 200"/);
    expect(await (await fetch(`${base}/`)).text()).toBe('home');
  });
});

describe('Function: createHttpTransport', () => {
  it('retries once on a fresh connection when a reused keep-alive socket was closed by the provider', async () => {
    // Prepare: a provider that answers the first request of a connection and resets the
    // connection when a second one arrives on it (a keep-alive socket it had given up on).
    const net = await import('node:net');
    let served = 0;
    const server = net.createServer((socket) => {
      let requests = 0;
      socket.on('data', () => {
        requests += 1;
        if (requests > 1) return socket.resetAndDestroy();
        served += 1;
        socket.write('HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: keep-alive\r\n\r\nfresh');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
    const transport = createHttpTransport();
    cleanups.push(() => transport.close());
    const init = () => ({
      method: 'GET',
      headers: new Headers(),
      body: null,
      signal: new AbortController().signal,
      redirect: 'manual' as const,
    });
    expect(await (await transport(url, init())).text()).toBe('fresh');
    // Act: the second request reuses the socket the provider is about to reset.
    const second = await transport(url, init());
    // Assess
    expect(await second.text()).toBe('fresh');
    expect(served).toBe(2);
  });
});
