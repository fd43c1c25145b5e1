import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { startSsmServer, type SsmServer } from '../../infra/hosts/ssmServer.ts';
import { importBundle, OFFLINE_AWS_ENV, setProcessEnv, type ImportedBundle } from './bundle.ts';
import { atHost, baseV2Event, lambdaContext, withMethod } from './fixtures.ts';
import { startUpstream, type Upstream } from './upstream.ts';

// The handler as `cdk deploy` ships it (the esbuild bundle), driven with typed v2 events against
// real provider stand-ins and the SSM-protocol server.

const PARAMETER = '/hadoku/route-config';
const CONFIG = JSON.stringify({
  global_priority: '1',
  routes: { task: { priority: '12' }, down: { priority: '1' } },
  providers: { '1': '${UP1}', '2': '${UP2}' },
  breaker: false,
});

let bundle: ImportedBundle;
let ssm: SsmServer;
let up1: Upstream;
let up2: Upstream;
let restoreEnv: () => void;
let stdout: string[];
let restoreStdout: () => void;
let handler: ReturnType<ImportedBundle['module']['createHandler']>;
let env: Record<string, string>;

beforeAll(async () => {
  // Powertools writes log lines and EMF metrics to stdout: capture them to assert on, and keep the
  // test output quiet.
  // (WARN and ERROR lines go to stderr.)
  stdout = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    }) as typeof stream.write;
  }
  restoreStdout = () => {
    streams.forEach((stream, i) => {
      stream.write = writes[i]!;
    });
  };
  restoreEnv = setProcessEnv(OFFLINE_AWS_ENV);
  bundle = await importBundle(undefined);
  up1 = await startUpstream((req, res) => {
    if (req.url.startsWith('/task/api/flaky') || req.url.startsWith('/down/api')) {
      res.writeHead(503).end('down');
    } else if (req.url.startsWith('/task/api/cookies')) {
      res
        .writeHead(200, [
          ['content-type', 'text/plain'],
          ['set-cookie', 'a=1; Path=/'],
          ['set-cookie', 'b=2; HttpOnly'],
        ])
        .end('ok');
    } else if (req.url.startsWith('/task/api/binary')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(req.body);
    } else {
      const text = JSON.stringify({ method: req.method, url: req.url, cookie: req.headers.cookie ?? null, bytes: req.body.length });
      res.writeHead(200, { 'content-type': 'application/json' }).end(text);
    }
  });
  up2 = await startUpstream();
  ssm = await startSsmServer({ parameters: { [PARAMETER]: CONFIG } });
  env = { ...OFFLINE_AWS_ENV, AWS_ENDPOINT_URL_SSM: ssm.url, ROUTE_CONFIG_PARAMETER: PARAMETER, UP1: up1.url, UP2: up2.url };
  handler = bundle.module.createHandler({ env });
});

afterAll(async () => {
  handler?.close();
  restoreStdout?.();
  restoreEnv?.();
  await Promise.all([ssm?.close(), up1?.close(), up2?.close(), bundle?.cleanup()]);
});

beforeEach(() => {
  up1.received.length = 0;
  up2.received.length = 0;
});

const json = (body: string | undefined): Record<string, unknown> => JSON.parse(body ?? 'null');

describe('Function: handler (bundled)', () => {
  it('proxies a GET with repeated query keys unchanged', async () => {
    // Act
    const result = await handler(baseV2Event, lambdaContext);
    // Assess
    expect(result.statusCode).toBe(200);
    expect(up1.received[0]!.url).toBe('/task/api/items?a=1&a=2');
    // The Function URL front end already put the caller last in x-forwarded-for: not twice.
    expect(up1.received[0]!.headers['x-forwarded-for']).toBe('203.0.113.7');
    expect(up1.received[0]!.headers['x-forwarded-proto']).toBe('https');
    expect(result.headers).toMatchObject({ 'x-route-attempts': '1' });
  });

  it('passes a base64 body through byte for byte and answers binary as base64', async () => {
    // Prepare
    const bytes = Buffer.from([0, 1, 2, 255, 254, 0x1f, 0x8b]);
    const event: LambdaFunctionURLEvent = {
      ...withMethod(baseV2Event, 'POST'),
      rawPath: '/task/api/binary',
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    };
    // Act
    const result = await handler(event, lambdaContext);
    // Assess
    expect(up1.received[0]!.body).toEqual(bytes);
    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body!, 'base64')).toEqual(bytes);
  });

  it('joins cookies[] into the cookie header and returns every Set-Cookie through cookies', async () => {
    // Act
    const sent = await handler({ ...baseV2Event, cookies: ['sid=abc', 'theme=dark'] }, lambdaContext);
    const set = await handler({ ...baseV2Event, rawPath: '/task/api/cookies' }, lambdaContext);
    // Assess
    expect(json(sent.body).cookie).toBe('sid=abc; theme=dark');
    expect(set.cookies).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(set.headers).not.toHaveProperty('set-cookie');
  });

  it('answers HEAD with headers and an empty body', async () => {
    const result = await handler(withMethod(baseV2Event, 'HEAD'), lambdaContext);
    expect(result).toMatchObject({ statusCode: 200, body: '' });
    expect(up1.received[0]!.method).toBe('HEAD');
  });

  it('falls back to the next provider on 503 and logs one line with every attempt', async () => {
    // Act
    const result = await handler({ ...baseV2Event, rawPath: '/task/api/flaky' }, lambdaContext);
    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({ 'x-route-attempts': '2' });
    const line = stdout
      .map((s) => s.trim())
      .filter((s) => s.startsWith('{'))
      .map((s) => JSON.parse(s))
      .find((l) => l.message === 'routed' && l.path === '/task/api/flaky');
    expect(line).toMatchObject({
      app: 'task',
      method: 'GET',
      provider: '2',
      status: 200,
      service: 'hadoku-route',
      function_request_id: lambdaContext.awsRequestId,
    });
    expect(line.attempts.map((a: { provider: string }) => a.provider)).toEqual(['1', '2']);
  });

  it('emits EMF metrics per provider and outcome and a fallback count', async () => {
    // Act
    await handler({ ...baseV2Event, rawPath: '/task/api/flaky' }, lambdaContext);
    // Assess
    const emf = stdout
      .map((s) => s.trim())
      .filter((s) => s.includes('"_aws"'))
      .map((s) => JSON.parse(s));
    expect(emf).toContainEqual(expect.objectContaining({ provider: '1', outcome: '5xx', ProviderAttempts: 1 }));
    expect(emf).toContainEqual(expect.objectContaining({ provider: '2', outcome: '2xx', ProviderAttempts: 1 }));
    expect(emf).toContainEqual(expect.objectContaining({ provider: '2', Fallbacks: 1 }));
    expect(emf.some((m) => m._aws.CloudWatchMetrics[0].Namespace === 'HadokuRoute')).toBe(true);
  });

  it('counts a request where every provider was down in AllProvidersFailed', async () => {
    // Prepare
    const before = stdout.length;
    // Act
    const result = await handler({ ...baseV2Event, rawPath: '/down/api/x' }, lambdaContext);
    // Assess
    expect(result.statusCode).toBe(503);
    const emf = stdout
      .slice(before)
      .map((s) => s.trim())
      .filter((s) => s.includes('"_aws"'))
      .map((s) => JSON.parse(s));
    expect(emf).toContainEqual(expect.objectContaining({ service: 'hadoku-route', AllProvidersFailed: 1, RoutedRequests: 1 }));
  });

  it('answers 404 JSON for a path that is not routed', async () => {
    const result = await handler({ ...baseV2Event, rawPath: '/index.html', rawQueryString: '' }, lambdaContext);
    expect(result.statusCode).toBe(404);
    expect(up1.received).toHaveLength(0);
  });

  const malformed: Array<[string, unknown]> = [
    ['an empty object', {}],
    ['null', null],
    ['a payload 1.0 event', { ...baseV2Event, version: '1.0' }],
    ['headers with a number', { ...baseV2Event, headers: { 'x-n': 5 } }],
    ['an S3 notification', { Records: [{ eventSource: 'aws:s3' }] }],
  ];
  it.each(malformed)('answers 400 JSON, never a crash, for %s', async (_name, event) => {
    // Act
    const result = await handler(event as LambdaFunctionURLEvent, lambdaContext);
    // Assess
    expect(result.statusCode).toBe(400);
    expect(json(result.body).error).toMatch(/invalid Function URL event/);
    expect(up1.received).toHaveLength(0);
  });

  it('serves /_config/route from SSM and /_router/health', async () => {
    const config = await handler({ ...baseV2Event, rawPath: '/_config/route', rawQueryString: '' }, lambdaContext);
    const health = await handler({ ...baseV2Event, rawPath: '/_router/health', rawQueryString: '' }, lambdaContext);
    expect(json(config.body)).toMatchObject({ source: 'ssm', last_error: null, apps: { task: { order: ['1', '2'] } } });
    expect(health.statusCode).toBe(200);
  });

  it('treats a provider at the request origin as self, with no local handler: skipped (no loop)', async () => {
    // Prepare: the event arrives at up1's host, so provider 1 is this deployment.
    const event = atHost(baseV2Event, new URL(up1.url).host);
    // Act
    const result = await handler(event, lambdaContext);
    // Assess
    expect(result.statusCode).toBe(200);
    expect(up1.received).toHaveLength(0);
    expect(up2.received).toHaveLength(1);
  });
});

describe('Function: handler with ROUTE_DRAIN (bundled)', () => {
  it('answers 503 JSON to routed requests without contacting anyone', async () => {
    // Prepare
    const drained = bundle.module.createHandler({ env: { ...env, ROUTE_DRAIN: 'true' } });
    // Act
    const result = await drained(baseV2Event, lambdaContext);
    drained.close();
    // Assess
    expect(result.statusCode).toBe(503);
    expect(json(result.body)).toMatchObject({ error: 'draining', app: 'task' });
    expect(up1.received).toHaveLength(0);
    expect(up2.received).toHaveLength(0);
  });

  it('still answers health and config', async () => {
    const drained = bundle.module.createHandler({ env: { ...env, ROUTE_DRAIN: '1' } });
    expect((await drained({ ...baseV2Event, rawPath: '/_router/health' }, lambdaContext)).statusCode).toBe(200);
    expect((await drained({ ...baseV2Event, rawPath: '/_config/route' }, lambdaContext)).statusCode).toBe(200);
    drained.close();
  });

  it('is off for ROUTE_DRAIN=false (what `cdk deploy -c drain=false` sets)', async () => {
    const live = bundle.module.createHandler({ env: { ...env, ROUTE_DRAIN: 'false' } });
    expect((await live(baseV2Event, lambdaContext)).statusCode).toBe(200);
    live.close();
  });
});
