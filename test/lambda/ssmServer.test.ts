import {
  GetParameterCommand,
  GetParameterHistoryCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSsmServer, type SsmServer } from '../../infra/hosts/ssmServer.ts';
import { OFFLINE_AWS_ENV } from './bundle.ts';

// The SSM-protocol stand-in, spoken to by the real SDK client (as the handler and the flip CLI do).

let ssm: SsmServer;
let client: SSMClient;
let backing: string | undefined;

beforeAll(async () => {
  ssm = await startSsmServer({ readThrough: (name) => (name === '/backed' ? backing : undefined) });
  client = new SSMClient({
    endpoint: ssm.url,
    region: OFFLINE_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: OFFLINE_AWS_ENV.AWS_ACCESS_KEY_ID!, secretAccessKey: OFFLINE_AWS_ENV.AWS_SECRET_ACCESS_KEY! },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  await ssm?.close();
});

describe('Function: startSsmServer', () => {
  it('creates, refuses to overwrite without Overwrite, then versions and lists history', async () => {
    // Act
    const created = await client.send(new PutParameterCommand({ Name: '/p', Value: 'one', Type: 'String' }));
    const refused = await client.send(new PutParameterCommand({ Name: '/p', Value: 'two', Type: 'String' })).catch((e: unknown) => e);
    const overwritten = await client.send(new PutParameterCommand({ Name: '/p', Value: 'two', Type: 'String', Overwrite: true }));
    const got = await client.send(new GetParameterCommand({ Name: '/p' }));
    const history = await client.send(new GetParameterHistoryCommand({ Name: '/p' }));
    // Assess
    expect(created.Version).toBe(1);
    expect(refused).toBeInstanceOf(ParameterAlreadyExists);
    expect(overwritten.Version).toBe(2);
    expect(got.Parameter).toMatchObject({ Name: '/p', Value: 'two', Version: 2, Type: 'String' });
    expect(got.Parameter?.LastModifiedDate).toBeInstanceOf(Date);
    expect(history.Parameters?.map((p) => [p.Version, p.Value])).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
  });

  it('answers ParameterNotFound for a missing parameter', async () => {
    await expect(client.send(new GetParameterCommand({ Name: '/missing' }))).rejects.toBeInstanceOf(ParameterNotFound);
  });

  it('reads through to a backing store and records each change as a version', async () => {
    backing = 'v-a';
    await client.send(new GetParameterCommand({ Name: '/backed' }));
    backing = 'v-b';
    const got = await client.send(new GetParameterCommand({ Name: '/backed' }));
    expect(got.Parameter).toMatchObject({ Value: 'v-b', Version: 2 });
  });

  it('simulates outage and throttling, and counts every call', async () => {
    // Prepare
    ssm.resetCalls();
    // Act
    ssm.mode = 'outage';
    const outage = await client
      .send(new GetParameterCommand({ Name: '/p' }))
      .catch((e: unknown) => e as { name: string; $metadata: { httpStatusCode?: number } });
    ssm.mode = 'throttle';
    const throttled = await client.send(new GetParameterCommand({ Name: '/p' })).catch((e: unknown) => e as { name: string });
    ssm.mode = 'ok';
    // Assess
    expect(outage).toMatchObject({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });
    expect(throttled).toMatchObject({ name: 'ThrottlingException' });
    expect(ssm.callCount('GetParameter')).toBe(2);
  });
});
