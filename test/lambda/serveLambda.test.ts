import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveLambda } from '../../infra/hosts/lambda.ts';
import { startUpstream, type Upstream } from './upstream.ts';

// `hadoku-route serve --runtime lambda`: the bundled handler behind the local Function URL shim,
// with the config file standing in for the SSM parameter.

const config = (priority: string) =>
  JSON.stringify({ global_priority: priority, routes: { task: { priority } }, providers: { '1': '${UP1}', '2': '${UP2}' } });

let dir: string;
let configPath: string;
let up1: Upstream;
let up2: Upstream;
let server: { url: string; close(): Promise<void> };
const logs: Array<Record<string, unknown>> = [];
let restoreOutput: () => void;

beforeAll(async () => {
  // Powertools writes the per-request lines to stdout: keep the test output quiet.
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) stream.write = (() => true) as typeof stream.write;
  restoreOutput = () => {
    for (const [i, stream] of streams.entries()) stream.write = writes[i]!;
  };
  dir = await mkdtemp(join(tmpdir(), 'hadoku-serve-lambda-'));
  configPath = join(dir, 'route-config.json');
  await writeFile(configPath, config('1'));
  up1 = await startUpstream((req, res) => {
    if (req.url.startsWith('/task/api/cookies')) {
      res
        .writeHead(200, [
          ['content-type', 'text/plain'],
          ['set-cookie', 'a=1'],
          ['set-cookie', 'b=2'],
        ])
        .end('ok');
    } else if (req.url.startsWith('/task/api/binary')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(req.body);
    } else {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ from: 1, url: req.url, cookie: req.headers.cookie ?? null, xff: req.headers['x-forwarded-for'] }));
    }
  });
  up2 = await startUpstream();
  server = await serveLambda({
    configPath,
    port: 0,
    host: '127.0.0.1',
    env: { UP1: up1.url, UP2: up2.url },
    log: (line) => logs.push(line),
  });
});

afterAll(async () => {
  await server?.close();
  restoreOutput?.();
  await Promise.all([up1?.close(), up2?.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe('Function: serveLambda', () => {
  it('answers routed requests through the bundled handler', async () => {
    // Act
    const response = await fetch(`${server.url}/task/api/items?a=1&a=2`, { headers: { cookie: 'sid=1; theme=dark' } });
    const body = await response.json();
    // Assess
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ from: 1, url: '/task/api/items?a=1&a=2', cookie: 'sid=1; theme=dark', xff: '127.0.0.1' });
    expect(response.headers.get('x-route-attempts')).toBe('1');
  });

  it('returns every Set-Cookie and binary bodies intact', async () => {
    const cookies = await fetch(`${server.url}/task/api/cookies`);
    const bytes = Buffer.from([0, 255, 7, 0x8b]);
    const binary = await fetch(`${server.url}/task/api/binary`, {
      method: 'POST',
      body: bytes,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(cookies.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(Buffer.from(await binary.arrayBuffer())).toEqual(bytes);
  });

  it('shows the SSM source and picks up an edit of the file within max-age', async () => {
    // Prepare
    const before = await (await fetch(`${server.url}/_config/route`)).json();
    // Act
    await writeFile(configPath, config('21'));
    let order: string[] = before.apps.task.order;
    for (let i = 0; i < 40 && order[0] !== '2'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      order = (await (await fetch(`${server.url}/_config/route`)).json()).apps.task.order;
    }
    // Assess
    expect(before).toMatchObject({ source: 'ssm', apps: { task: { order: ['1'] } } });
    expect(order).toEqual(['2', '1']);
  });

  it('serves the file it started with as the baked config when the cold start cannot read SSM', async () => {
    // Prepare: a secret parameter the SSM stand-in lacks fails the config read, as an SSM outage would.
    const own = join(dir, 'baked.json');
    await writeFile(own, config('2'));
    const env = { UP1: up1.url, UP2: up2.url, ROUTE_SECRET_PARAMETERS: 'TOKEN=/hadoku/missing' };
    const baked = await serveLambda({ configPath: own, port: 0, host: '127.0.0.1', env, log: () => {} });
    try {
      // Act
      const view = await (await fetch(`${baked.url}/_config/route`)).json();
      const routed = await fetch(`${baked.url}/task/api/items`);
      // Assess
      expect(view).toMatchObject({ source: 'baked', apps: { task: { order: ['2'] } } });
      expect(view.last_error).toMatch(/missing/);
      expect(routed.status).toBe(200);
      expect(routed.headers.get('server-timing')).toMatch(/^p1;desc="2 200"/);
    } finally {
      await baked.close();
    }
  });

  it('refuses to start on an invalid config file', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"providers": {"1": "nope"}}');
    await expect(serveLambda({ configPath: bad, port: 0, host: '127.0.0.1', env: {} })).rejects.toThrow(/providers/);
  });
});
