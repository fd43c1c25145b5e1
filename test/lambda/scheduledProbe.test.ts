import { createServer } from 'node:net';
import type { ScheduledEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isScheduledEvent } from '../../functions/lambda/scheduledProbe.ts';
import { startSsmServer, type SsmServer, type SsmServerMode } from '../../infra/hosts/ssmServer.ts';
import { readHealthDocument, type HealthDocument } from '../../shared/index.ts';
import { importBundle, OFFLINE_AWS_ENV, setProcessEnv, type ImportedBundle } from './bundle.ts';
import { baseV2Event, lambdaContext } from './fixtures.ts';
import { startUpstream, type Upstream } from './upstream.ts';

// The EventBridge schedule, end to end in the bundled handler: config from the SSM-protocol server
// through the real SDK, providers on 127.0.0.1 (one up, one answering 503, one refusing), and the
// document written back with PutParameter through the same client.

const CONFIG_PARAMETER = '/hadoku-route/test/route-config';
const HEALTH_PARAMETER = '/hadoku-route/test/route-health';
const config = JSON.stringify({
  global_priority: '123',
  routes: { task: { priority: '123' } },
  providers: { '1': '${UP1}', '2': '${UP2}', '3': '${DEAD}/t0ken-in-path' },
  timeout_ms: 2000,
});

/** What an EventBridge `rate(1 minute)` rule delivers. */
const scheduledEvent: ScheduledEvent = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-12-01T00:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:123456789012:rule/HadokuRoute-test-HealthProbe'],
  detail: {},
};

let bundle: ImportedBundle;
let ssm: SsmServer;
let up1: Upstream;
let up2: Upstream;
let env: Record<string, string>;
let restoreEnv: () => void;
let restoreOutput: () => void;
const output: string[] = [];
const started: Array<{ close(): void }> = [];

async function refusedBase(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) stream.write = ((chunk: unknown) => output.push(String(chunk)) > 0) as typeof stream.write;
  restoreOutput = () => {
    for (const [i, stream] of streams.entries()) stream.write = writes[i]!;
  };
  restoreEnv = setProcessEnv(OFFLINE_AWS_ENV);
  bundle = await importBundle(undefined);
  const health = (status: number, body: unknown) => (_req: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  [up1, up2, ssm] = await Promise.all([
    startUpstream(health(200, { status: 'ok' })),
    startUpstream(health(503, { error: 'maintenance' })),
    startSsmServer(),
  ]);
  env = {
    ...OFFLINE_AWS_ENV,
    AWS_ENDPOINT_URL_SSM: ssm.url,
    ROUTE_CONFIG_PARAMETER: CONFIG_PARAMETER,
    ROUTE_HEALTH_PARAM: HEALTH_PARAMETER,
    ROUTE_SSM_TIMEOUT_MS: '300',
    UP1: up1.url,
    UP2: up2.url,
    DEAD: await refusedBase(),
  };
});

afterAll(async () => {
  restoreOutput?.();
  restoreEnv?.();
  await Promise.all([ssm?.close(), up1?.close(), up2?.close(), bundle?.cleanup()]);
});

beforeEach(() => {
  ssm.mode = 'ok';
  ssm.put(CONFIG_PARAMETER, config);
  ssm.resetCalls();
  output.length = 0;
});

afterEach(() => {
  for (const handler of started.splice(0)) handler.close();
});

/** A cold start of the bundled handler; `baked: ''` leaves it nothing to fall back on. */
function coldStart(extraEnv: Record<string, string> = {}, baked = '') {
  const handler = bundle.module.createHandler({ env: { ...env, ...extraEnv }, baked });
  started.push(handler);
  return handler;
}

function storedDocument(): HealthDocument | undefined {
  const latest = ssm.get(HEALTH_PARAMETER);
  return latest && (JSON.parse(latest.value) as HealthDocument);
}

/** The JSON log lines the handler wrote, by message. */
function logLines(message: string): Array<Record<string, unknown>> {
  return output
    .flatMap((chunk) => chunk.split('\n'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    })
    .filter((line) => line.message === message);
}

describe('Lambda: EventBridge schedule -> SSM health document (bundled handler)', () => {
  it('probes every provider of the SSM config and writes the document with PutParameter, String and Standard', async () => {
    // Act
    const versionsBefore = ssm.history(HEALTH_PARAMETER).length;
    const summary = await coldStart()(scheduledEvent, lambdaContext);

    // Assess: the summary, the stored parameter, and what a router reads from it.
    expect(summary).toMatchObject({ probed: true, stored: true, parameter: HEALTH_PARAMETER, up: ['1'], down: ['2', '3'] });
    expect(ssm.calls.PutParameter).toBe(1);
    expect(ssm.get(HEALTH_PARAMETER)).toMatchObject({ type: 'String', tier: 'Standard' });
    expect(ssm.history(HEALTH_PARAMETER).length).toBe(versionsBefore + 1);
    const doc = storedDocument()!;
    expect(doc).toMatchObject({ version: 1, by: 'lambda-schedule', checked_at: summary.checked_at });
    expect(doc.providers['1']).toMatchObject({ up: true, status: 200 });
    expect(doc.providers['2']).toMatchObject({ up: false, status: 503, reason: 'status 503' });
    expect(doc.providers['3']).toMatchObject({ up: false, status: null, reason: 'connection error' });
    const advice = readHealthDocument(ssm.get(HEALTH_PARAMETER)!.value, Date.now());
    expect(advice.ok && [...advice.down].sort()).toEqual(['2', '3']);
    // Each provider was asked on its health path, nothing else.
    expect(up1.received.at(-1)).toMatchObject({ method: 'GET', url: '/_router/health' });
  });

  it.each([
    ['serving', {}, { up: true, status: null }],
    ['drained', { ROUTE_DRAIN: 'true' }, { up: false, reason: 'draining' }],
  ])('reports itself (ROUTE_SELF, %s) from the inside: a Lambda never invokes its own URL', async (_name, extra, expected) => {
    // Provider 3 refuses connections: probed over HTTP it would be down.
    await coldStart({ ROUTE_SELF: '3', ...extra })(scheduledEvent, lambdaContext);
    expect(storedDocument()!.providers['3']).toMatchObject(expected);
  });

  it('overwrites the previous document on the next round (a new version each minute)', async () => {
    // Prepare
    const handler = coldStart();
    await handler(scheduledEvent);
    const first = ssm.get(HEALTH_PARAMETER)!.version;

    // Act
    await handler(scheduledEvent);

    // Assess
    expect(ssm.get(HEALTH_PARAMETER)!.version).toBe(first + 1);
  });

  it('never writes a provider base, nor a token in its path, into the document or the summary', async () => {
    // Act
    const summary = await coldStart()(scheduledEvent);

    // Assess
    const written = `${ssm.get(HEALTH_PARAMETER)!.value}${JSON.stringify(summary)}`;
    for (const secretish of ['t0ken', '127.0.0.1', up1.url]) expect(written).not.toContain(secretish);
  });

  // Every reason a round cannot run or store: one log line, a summary saying why, never a throw.
  interface Row {
    case: string;
    extraEnv: Record<string, string>;
    mode: SsmServerMode;
    reason: RegExp;
    line: string;
    baked?: string;
  }
  it.each<Row>([
    {
      case: 'ROUTE_HEALTH_PARAM unset',
      extraEnv: { ROUTE_HEALTH_PARAM: '' },
      mode: 'ok',
      reason: /ROUTE_HEALTH_PARAM is not set/,
      line: 'health_probe_skipped',
    },
    {
      case: 'no config in SSM and nothing baked',
      extraEnv: { ROUTE_CONFIG_PARAMETER: '/hadoku-route/test/none' },
      mode: 'ok',
      reason: /no usable config/,
      line: 'health_probe_skipped',
    },
    {
      case: 'SSM down (config from the baked copy, the put fails)',
      extraEnv: {},
      mode: 'outage',
      reason: /PutParameter .* failed: InternalServerError/,
      line: 'health_probe_not_stored',
      baked: config,
    },
  ] as const)('$case: one log line and a summary with the reason', async (row) => {
    // Prepare
    const handler = coldStart(row.extraEnv, row.baked ?? '');
    ssm.mode = row.mode;
    const versionsBefore = ssm.history(HEALTH_PARAMETER).length;

    // Act
    const summary = await handler(scheduledEvent);

    // Assess
    expect(summary.stored).toBe(false);
    expect(summary.reason).toMatch(row.reason);
    expect(ssm.history(HEALTH_PARAMETER).length).toBe(versionsBefore);
    expect(logLines(row.line)).toHaveLength(1);
  });

  it('still answers Function URL requests (the schedule is a branch, not a replacement)', async () => {
    // Act
    const result = await coldStart()({ ...baseV2Event, rawPath: '/_router/health', rawQueryString: '' }, lambdaContext);

    // Assess
    expect(result.statusCode).toBe(200);
    expect(ssm.calls.PutParameter ?? 0).toBe(0);
  });
});

describe('Function: isScheduledEvent', () => {
  // Only the exact pair EventBridge sends starts a probe round; anything else is routed (or refused 400).
  it.each([
    ['an EventBridge scheduled event', scheduledEvent, true],
    ['another EventBridge detail-type', { ...scheduledEvent, 'detail-type': 'EC2 Instance State-change Notification' }, false],
    ['a custom source claiming the detail-type', { ...scheduledEvent, source: 'my.app' }, false],
    ['a Function URL event', baseV2Event, false],
    ['a Function URL event carrying the two fields in its body', { ...baseV2Event, body: '{"source":"aws.events"}' }, false],
    ['null', null, false],
    ['a string', 'aws.events', false],
    ['an array', [scheduledEvent], false],
  ])('%s -> %s', (_case, event, expected) => {
    expect(isScheduledEvent(event)).toBe(expected);
  });
});
