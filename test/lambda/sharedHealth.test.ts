import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SsmReadError } from '../../functions/lambda/errors.ts';
import { createSsmConfigReader } from '../../functions/lambda/ssmConfigReader.ts';
import { startSsmServer, type SsmServer } from '../../infra/hosts/ssmServer.ts';
import { importBundle, OFFLINE_AWS_ENV, setProcessEnv, type ImportedBundle } from './bundle.ts';
import { baseV2Event, lambdaContext } from './fixtures.ts';
import { startUpstream, type Upstream } from './upstream.ts';

// Shared health (issue 15) on the Lambda: the EventBridge prober's document lives in an SSM
// parameter beside the config (ROUTE_HEALTH_PARAM); every environment reads both in ONE
// GetParameters call, through the real SDK against the SSM-protocol server on 127.0.0.1.

const CONFIG = '/hadoku-route/test/route-config';
const HEALTH = '/hadoku-route/test/route-health';
const config = JSON.stringify({ global_priority: '12', providers: { '1': '${UP1}', '2': '${UP2}' }, timeout_ms: 20_000 });
const healthDoc = (down: string[], checkedAt = Date.now()) =>
  JSON.stringify({
    version: 1,
    checked_at: new Date(checkedAt).toISOString(),
    interval_s: 60,
    by: 'lambda-schedule',
    providers: Object.fromEntries(['1', '2'].map((id) => [id, { up: !down.includes(id), status: null, ms: 20_000, reason: 'timeout' }])),
  });

let ssm: SsmServer;
let client: SSMClient;
let provider: SSMProvider;

beforeAll(async () => {
  ssm = await startSsmServer();
  client = new SSMClient({
    endpoint: ssm.url,
    region: OFFLINE_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: OFFLINE_AWS_ENV.AWS_ACCESS_KEY_ID!, secretAccessKey: OFFLINE_AWS_ENV.AWS_SECRET_ACCESS_KEY! },
    maxAttempts: 1,
  });
  provider = new SSMProvider({ awsSdkV3Client: client });
});

afterAll(async () => {
  client?.destroy();
  await ssm?.close();
});

beforeEach(() => {
  ssm.mode = 'ok';
  ssm.resetCalls();
});

describe('Function: startSsmServer, GetParameters', () => {
  it('answers the names it knows and lists the others as InvalidParameters (no error)', async () => {
    ssm.put('/gp/a', 'A');
    const out = await client.send(new GetParametersCommand({ Names: ['/gp/a', '/gp/none', '/gp/a'] }));
    expect(out.Parameters?.map((p) => [p.Name, p.Value, p.Version])).toEqual([['/gp/a', 'A', 1]]);
    expect(out.InvalidParameters).toEqual(['/gp/none']);
    expect(ssm.callCount('GetParameters')).toBe(1);
  });

  it.each<[string, unknown]>([
    ['no names', []],
    ['more than 10 names', Array.from({ length: 11 }, (_, i) => `/n${i}`)],
    ['an empty name', ['']],
  ])('refuses %s with a ValidationException naming Names', async (_name, names) => {
    const sent = client.send(new GetParametersCommand({ Names: names as string[] }));
    await expect(sent).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/^Names /) });
  });
});

describe('Function: createSsmConfigReader with healthName', () => {
  const read = () => createSsmConfigReader({ name: CONFIG, maxAgeSeconds: 10, provider, healthName: HEALTH })();

  it.each<[string, string | null, string | null, unknown]>([
    ['config and health', config, healthDoc(['1'], 0), { text: config, health: healthDoc(['1'], 0) }],
    ['no health parameter yet: health is just missing', config, null, { text: config, health: null }],
    ['no config parameter: null, as without health', null, healthDoc([], 0), null],
  ])('%s, in one GetParameters call', async (_name, configValue, healthValue, expected) => {
    // Prepare: a server holding exactly these parameters
    const own = await startSsmServer({
      parameters: { ...(configValue ? { [CONFIG]: configValue } : {}), ...(healthValue ? { [HEALTH]: healthValue } : {}) },
    });
    const ownClient = new SSMClient({ endpoint: own.url, region: 'eu-west-1', credentials: client.config.credentials, maxAttempts: 1 });
    try {
      // Act
      const got = await createSsmConfigReader({
        name: CONFIG,
        maxAgeSeconds: 10,
        provider: new SSMProvider({ awsSdkV3Client: ownClient }),
        healthName: HEALTH,
      })();
      // Assess
      expect(got).toEqual(expected);
      expect(own.calls).toEqual({ GetParameters: 1 });
    } finally {
      ownClient.destroy();
      await own.close();
    }
  });

  it('forces a fetch on every call (the manager owns max-age, not a Powertools cache)', async () => {
    ssm.put(CONFIG, config);
    await read();
    await read();
    expect(ssm.calls).toEqual({ GetParameters: 2 });
  });

  it('an SSM outage rejects with SsmReadError naming both parameters', async () => {
    ssm.mode = 'outage';
    const failed = await read().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(SsmReadError);
    expect((failed as Error).message).toMatch(`GetParameters ${CONFIG}, ${HEALTH} failed: InternalServerError`);
  });
});

describe('Lambda: a brand-new environment skips a provider marked down from its first request', () => {
  let bundle: ImportedBundle;
  let hanging: Upstream;
  let up2: Upstream;
  let restoreEnv: () => void;
  const started: Array<{ close(): void }> = [];

  beforeAll(async () => {
    restoreEnv = setProcessEnv({ ...OFFLINE_AWS_ENV, POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR' });
    // Provider 1 never answers: without advice, the first request would wait timeout_ms for it.
    [bundle, hanging, up2] = await Promise.all([importBundle(config), startUpstream(() => undefined), startUpstream()]);
  });
  afterAll(async () => {
    for (const handler of started.splice(0)) handler.close();
    restoreEnv?.();
    await Promise.all([hanging?.close(), up2?.close(), bundle?.cleanup()]);
  });

  const coldStart = () => {
    const env = { ...OFFLINE_AWS_ENV, AWS_ENDPOINT_URL_SSM: ssm.url, ROUTE_CONFIG_PARAMETER: CONFIG, ROUTE_HEALTH_PARAM: HEALTH };
    const handler = bundle.module.createHandler({ env: { ...env, UP1: hanging.url, UP2: up2.url } });
    started.push(handler);
    return handler;
  };

  it('answers from provider 2 with one attempt; provider 1 gets nothing; one GetParameters call', async () => {
    // Prepare: the prober's document (1 down) is in SSM beside the config
    ssm.put(CONFIG, config);
    ssm.put(HEALTH, healthDoc(['1']));
    ssm.resetCalls();
    // Act
    const result = await coldStart()(baseV2Event, lambdaContext);
    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['x-route-attempts']).toBe('1');
    expect(String(result.headers?.['server-timing'])).toMatch(/^p1;desc="2 200"/);
    expect(hanging.received).toHaveLength(0);
    expect(up2.received).toHaveLength(1);
    expect(ssm.calls).toEqual({ GetParameters: 1 });
  });

  it('/_router/health shows the shared view the environment read', async () => {
    ssm.put(HEALTH, healthDoc(['1']));
    const result = await coldStart()({ ...baseV2Event, rawPath: '/_router/health', rawQueryString: '' }, lambdaContext);
    const body = JSON.parse(result.body!) as { shared: { by: string; providers: Record<string, unknown> } };
    expect(body.shared).toMatchObject({ by: 'lambda-schedule', providers: { '1': { up: false, reason: 'timeout' }, '2': { up: true } } });
  });
});
