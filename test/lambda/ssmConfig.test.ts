import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { startSsmServer, type SsmServer } from '../../infra/hosts/ssmServer.ts';
import { importBundle, OFFLINE_AWS_ENV, setProcessEnv, type ImportedBundle } from './bundle.ts';
import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { createSecretEnv } from '../../functions/lambda/secretEnv.ts';
import { baseV2Event, lambdaContext, withMethod } from './fixtures.ts';
import { startUpstream, type Upstream } from './upstream.ts';

// Config from SSM through the real @aws-sdk/client-ssm and Powertools Parameters, inside the
// bundled handler, against the SSM-protocol server on 127.0.0.1. The config cache runs on a fake
// clock (`now`), so max-age is crossed without sleeping.

const PARAMETER = '/hadoku/route-config';
const MAX_AGE_MS = 10_000;
const config = (priority: string) =>
  JSON.stringify({
    global_priority: priority,
    routes: { task: { priority } },
    providers: { '1': '${UP1}', '2': '${UP2}' },
    breaker: false,
  });
const BAKED = config('2');

let bundle: ImportedBundle;
let ssm: SsmServer;
let up1: Upstream;
let up2: Upstream;
let restoreEnv: () => void;
let restoreOutput: () => void;
let env: Record<string, string>;
let clock: number;
const started: Array<{ close(): void }> = [];
/** Everything the handlers wrote to stdout/stderr (logs, EMF): searched for leaked secrets. */
const output: string[] = [];

beforeAll(async () => {
  // Keep Powertools' log lines and EMF out of the test output.
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write);
  const capture = (chunk: unknown): boolean => {
    output.push(String(chunk));
    return true;
  };
  for (const stream of streams) stream.write = capture as typeof stream.write;
  restoreOutput = () => {
    for (const [i, stream] of streams.entries()) stream.write = writes[i]!;
  };
  restoreEnv = setProcessEnv(OFFLINE_AWS_ENV);
  bundle = await importBundle(BAKED);
  [up1, up2, ssm] = await Promise.all([startUpstream(), startUpstream(), startSsmServer()]);
  env = {
    ...OFFLINE_AWS_ENV,
    AWS_ENDPOINT_URL_SSM: ssm.url,
    ROUTE_CONFIG_PARAMETER: PARAMETER,
    UP1: up1.url,
    UP2: up2.url,
    ROUTE_SSM_TIMEOUT_MS: '300',
  };
});

afterAll(async () => {
  restoreOutput?.();
  restoreEnv?.();
  await Promise.all([ssm?.close(), up1?.close(), up2?.close(), bundle?.cleanup()]);
});

beforeEach(() => {
  clock = 1_800_000_000_000;
  ssm.mode = 'ok';
  ssm.put(PARAMETER, config('1'));
  ssm.resetCalls();
});

afterEach(() => {
  for (const handler of started.splice(0)) handler.close();
});

/** A fresh execution environment (cold start) of the bundled handler. */
function coldStart(extraEnv: Record<string, string> = {}) {
  const handler = bundle.module.createHandler({ env: { ...env, ...extraEnv }, now: () => clock });
  started.push(handler);
  const call = (event: LambdaFunctionURLEvent) => handler(event, lambdaContext);
  return {
    call,
    route: () => call(baseV2Event),
    routeConfig: async () => JSON.parse((await call({ ...baseV2Event, rawPath: '/_config/route', rawQueryString: '' })).body!),
  };
}

const getCalls = () => ssm.callCount('GetParameter');

describe('Lambda config from SSM (bundled handler, real SDK + Powertools)', () => {
  it('reads SSM once per max-age, however many requests arrive', async () => {
    // Prepare
    const lambda = coldStart();
    // Act
    await Promise.all(Array.from({ length: 10 }, () => lambda.route()));
    for (let i = 0; i < 5; i++) await lambda.route();
    const first = getCalls();
    clock += MAX_AGE_MS;
    await Promise.all(Array.from({ length: 10 }, () => lambda.route()));
    // Assess
    expect(first).toBe(1);
    expect(getCalls()).toBe(2);
    expect(await lambda.routeConfig()).toMatchObject({ source: 'ssm', last_error: null });
  });

  it('applies a flip once max-age has passed, not before', async () => {
    // Prepare
    const lambda = coldStart();
    expect((await lambda.routeConfig()).apps.task.order).toEqual(['1']);
    // Act
    ssm.put(PARAMETER, config('21'));
    clock += MAX_AGE_MS - 1;
    const before = (await lambda.routeConfig()).apps.task.order;
    clock += 1;
    const after = await lambda.routeConfig();
    up2.received.length = 0;
    const routed = await lambda.route();
    // Assess
    expect(before).toEqual(['1']);
    expect(after.apps.task.order).toEqual(['2', '1']);
    expect(routed.statusCode).toBe(200);
    expect(up2.received).toHaveLength(1);
  });

  it.each(['outage', 'throttle', 'hang'] as const)('keeps the last good config during an SSM %s, backing off for max-age', async (mode) => {
    // Prepare
    const lambda = coldStart();
    const good = await lambda.routeConfig();
    ssm.mode = mode;
    ssm.resetCalls();
    // Act: two max-age windows of traffic while SSM fails
    const statuses: number[] = [];
    for (let window = 0; window < 2; window++) {
      clock += MAX_AGE_MS;
      const burst = await Promise.all(Array.from({ length: 5 }, () => lambda.route()));
      for (let i = 0; i < 5; i++) burst.push(await lambda.route());
      statuses.push(...burst.map((r) => r.statusCode!));
    }
    const during = await lambda.routeConfig();
    // Assess: every request served; at most one read per window, each read at most 2 HTTP tries
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(getCalls()).toBeGreaterThanOrEqual(2);
    expect(getCalls()).toBeLessThanOrEqual(2 * 2);
    expect(during).toMatchObject({ source: 'ssm', version: good.version });
    expect(during.last_error).toMatch(/ssm store unreachable/);
    // Act: SSM recovers
    ssm.mode = 'ok';
    clock += MAX_AGE_MS;
    // Assess
    expect(await lambda.routeConfig()).toMatchObject({ source: 'ssm', last_error: null });
  });

  it('uses the baked config on a cold start with SSM unreachable, then SSM once it answers', async () => {
    // Prepare
    ssm.mode = 'outage';
    const lambda = coldStart();
    // Act
    up2.received.length = 0;
    const routed = await lambda.route();
    const baked = await lambda.routeConfig();
    ssm.mode = 'ok';
    clock += MAX_AGE_MS;
    const recovered = await lambda.routeConfig();
    // Assess
    expect(routed.statusCode).toBe(200);
    expect(up2.received).toHaveLength(1);
    expect(baked).toMatchObject({ source: 'baked', apps: { task: { order: ['2'] } } });
    expect(baked.last_error).toMatch(/InternalServerError|simulated outage/);
    expect(recovered).toMatchObject({ source: 'ssm', last_error: null, apps: { task: { order: ['1'] } } });
  });

  it('uses the baked config when the parameter does not exist or is not configured', async () => {
    const missing = coldStart({ ROUTE_CONFIG_PARAMETER: '/hadoku/nope' });
    const unset = coldStart({ ROUTE_CONFIG_PARAMETER: '' });
    expect(await missing.routeConfig()).toMatchObject({ source: 'baked', last_error: expect.stringMatching(/no config found/) });
    expect(await unset.routeConfig()).toMatchObject({
      source: 'baked',
      last_error: expect.stringMatching(/ROUTE_CONFIG_PARAMETER is not set/),
    });
  });

  it('rejects an invalid value: last good config kept, reason in last_error, cleared by a good one', async () => {
    // Prepare
    const lambda = coldStart();
    const good = await lambda.routeConfig();
    // Act
    ssm.put(PARAMETER, '{"global_priority": "1", "providers": {"1": "not a url"}, "typo": 1}');
    clock += MAX_AGE_MS;
    const routed = await lambda.route();
    const rejected = await lambda.routeConfig();
    ssm.put(PARAMETER, 'not json at all');
    clock += MAX_AGE_MS;
    const notJson = await lambda.routeConfig();
    ssm.put(PARAMETER, config('2'));
    clock += MAX_AGE_MS;
    const fixed = await lambda.routeConfig();
    // Assess
    expect(routed.statusCode).toBe(200);
    expect(rejected).toMatchObject({ source: 'ssm', version: good.version });
    expect(rejected.last_error).toMatch(/providers\.1|typo/);
    expect(notJson).toMatchObject({ version: good.version, last_error: expect.stringMatching(/rejected ssm config/) });
    expect(fixed).toMatchObject({ source: 'ssm', last_error: null, apps: { task: { order: ['2'] } } });
  });
});

describe('Secret ${VAR}s from SSM SecureString (bundled handler, real SDK + Powertools)', () => {
  const SECRET_PARAMETER = '/hadoku-route/test/secrets/ADMIN_KEY';
  const SECRET = 'hunter2-from-securestring';
  const ROTATED = 'hunter3-rotated-value';
  const withAuth = () =>
    JSON.stringify({
      routes: { task: { priority: '1', auth: { header: 'X-Admin-Key', value: '${ADMIN_KEY}' } } },
      providers: { '1': '${UP1}' },
      breaker: false,
    });
  const secretEnv = { ROUTE_SECRET_PARAMETERS: `ADMIN_KEY=${SECRET_PARAMETER}`, ADMIN_KEY: 'plain-env-value-ignored' };
  const post = (key?: string) => ({
    ...withMethod(baseV2Event, 'POST'),
    headers: { ...baseV2Event.headers, ...(key ? { 'x-admin-key': key } : {}) },
  });

  beforeEach(() => {
    ssm.put(PARAMETER, withAuth());
    ssm.put(SECRET_PARAMETER, SECRET);
    output.length = 0;
  });

  it('enforces the key read from SSM, not a same-named plain variable', async () => {
    // Prepare
    const lambda = coldStart(secretEnv);
    // Act
    const keyless = await lambda.call(post());
    const plain = await lambda.call(post('plain-env-value-ignored'));
    const keyed = await lambda.call(post(SECRET));
    // Assess
    expect([keyless.statusCode, plain.statusCode, keyed.statusCode]).toEqual([401, 401, 200]);
  });

  it('picks up a rotated secret with the next config read (max-age)', async () => {
    // Prepare
    const lambda = coldStart(secretEnv);
    expect((await lambda.call(post(SECRET))).statusCode).toBe(200);
    // Act
    ssm.put(SECRET_PARAMETER, ROTATED);
    clock += MAX_AGE_MS;
    const old = await lambda.call(post(SECRET));
    const rotated = await lambda.call(post(ROTATED));
    // Assess
    expect([old.statusCode, rotated.statusCode]).toEqual([401, 200]);
  });

  it('keeps the last good secret (and config) while SSM fails', async () => {
    // Prepare
    const lambda = coldStart(secretEnv);
    expect((await lambda.call(post(SECRET))).statusCode).toBe(200);
    // Act
    ssm.mode = 'outage';
    clock += MAX_AGE_MS;
    const during = await lambda.call(post(SECRET));
    const state = await lambda.routeConfig();
    // Assess
    expect(during.statusCode).toBe(200);
    expect(state.last_error).toContain(SECRET_PARAMETER);
  });

  /** A cold start whose baked config (the repository's, in production) uses the secret too. */
  function coldStartBakedWithAuth(extraEnv: Record<string, string> = {}) {
    const handler = bundle.module.createHandler({ env: { ...env, ...secretEnv, ...extraEnv }, now: () => clock, baked: withAuth() });
    started.push(handler);
    return (event: LambdaFunctionURLEvent) => handler(event, lambdaContext);
  }

  it('fails closed on a cold start with the secret unreadable: never routes with a missing key', async () => {
    // Prepare
    ssm.mode = 'outage';
    const call = coldStartBakedWithAuth();
    up1.received.length = 0;
    // Act
    const keyless = await call(post());
    const plain = await call(post('plain-env-value-ignored'));
    // Assess
    expect(keyless.statusCode).toBeGreaterThanOrEqual(500);
    expect(plain.statusCode).toBeGreaterThanOrEqual(500);
    expect(up1.received).toHaveLength(0);
  });

  it('never shows a secret value in /_config/route, errors or logs', async () => {
    // Prepare
    const lambda = coldStart(secretEnv);
    await lambda.call(post(SECRET));
    ssm.put(PARAMETER, '{ "routes": ');
    clock += MAX_AGE_MS;
    // Act
    const state = JSON.stringify(await lambda.routeConfig());
    ssm.mode = 'outage';
    clock += MAX_AGE_MS;
    const failing = JSON.stringify(await lambda.routeConfig());
    // Assess
    for (const text of [state, failing, output.join('')]) expect(text).not.toContain(SECRET);
  });

  it.each([
    [
      'a malformed ROUTE_SECRET_PARAMETERS',
      { ROUTE_SECRET_PARAMETERS: 'ADMIN_KEY' },
      /ROUTE_SECRET_PARAMETERS: \W{1,2}ADMIN_KEY\W{1,2} is not VAR=/,
    ],
    [
      'a secret parameter that does not exist',
      { ROUTE_SECRET_PARAMETERS: 'ADMIN_KEY=/hadoku-route/test/secrets/NOPE' },
      /\/hadoku-route\/test\/secrets\/NOPE/,
    ],
  ])('reports %s as last_error and routes nothing unauthenticated', async (_name, extra, message) => {
    // Prepare
    const call = coldStartBakedWithAuth(extra);
    up1.received.length = 0;
    // Act
    const keyless = await call(post());
    const logged = output.join('');
    // Assess: refused (401 or 5xx), never forwarded keyless
    expect(keyless.statusCode === 401 || keyless.statusCode! >= 500, String(keyless.statusCode)).toBe(true);
    expect(up1.received).toHaveLength(0);
    expect(logged).toMatch(message);
  });
});

describe('Function: createSecretEnv', () => {
  it('reads each secret with decryption, bypassing the Powertools cache, and keeps the last good value on failure', async () => {
    // Prepare
    const calls: Array<{ name: string; options: unknown }> = [];
    let fail = false;
    const provider = {
      get: async (name: string, options: unknown) => {
        calls.push({ name, options });
        if (fail) throw new Error('ThrottlingException');
        return 'v1';
      },
    } as unknown as SSMProvider;
    const secrets = createSecretEnv({
      env: { KEY: 'plain', OTHER: 'x' },
      secrets: [{ variable: 'KEY', parameter: '/p/KEY' }],
      provider,
      maxAgeSeconds: 10,
    });
    // Act
    const before = secrets.env.KEY;
    const changed = await secrets.refresh();
    fail = true;
    const failure = await secrets.refresh().then(
      () => null,
      (error: Error) => error.message,
    );
    // Assess
    expect(before).toBeUndefined();
    expect(changed).toBe(true);
    expect(calls[0]).toEqual({ name: '/p/KEY', options: { decrypt: true, maxAge: 10, forceFetch: true } });
    expect(secrets.env).toEqual({ KEY: 'v1', OTHER: 'x' });
    expect(failure).toMatch(/\/p\/KEY \(Error: ThrottlingException\)/);
  });
});
