import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { createWorker } from '../../functions/worker/createWorker.ts';
import { createKvConfigReader } from '../../functions/worker/kvConfigReader.ts';
import type { WorkerEnv } from '../../functions/worker/workerEnv.ts';

// Shared health (issue 15) inside real workerd: the Cron prober's document lives in KV beside the
// config; a brand-new isolate reads both with its first config read and uses the advice at once.

const CONFIG_KEY = 'route-config';
const HEALTH_KEY = 'route-health';
const configText = JSON.stringify({ global_priority: '21', providers: { '1': '${LOCAL_BASE}', '2': '${WORKER_BASE}' } });
const healthDoc = (down: string[], checkedAt = Date.now()) =>
  JSON.stringify({
    version: 1,
    checked_at: new Date(checkedAt).toISOString(),
    interval_s: 60,
    by: 'worker-cron',
    providers: Object.fromEntries(
      ['1', '2'].map((id) => [id, { up: !down.includes(id), status: null, ms: 1, reason: 'connection error' }]),
    ),
  });

/** The real KV binding, recording which keys each read asked for. */
function recordingKv(): { kv: KVNamespace; keys: string[] } {
  const keys: string[] = [];
  const kv = {
    get: (key: string, options: KVNamespaceGetOptions<'text'>) => {
      keys.push(key);
      return env.SETTINGS.get(key, options);
    },
  } as unknown as KVNamespace;
  return { kv, keys };
}

/** A brand-new isolate's first request. */
async function firstRequest(path: string): Promise<{ response: Response; keys: string[] }> {
  const { kv, keys } = recordingKv();
  const worker = createWorker();
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`https://edge.example.com${path}`), { ...env, SETTINGS: kv } as WorkerEnv, ctx);
  await waitOnExecutionContext(ctx);
  return { response, keys };
}

beforeEach(async () => {
  await env.SETTINGS.put(CONFIG_KEY, configText);
  await env.SETTINGS.delete(HEALTH_KEY);
});

describe('Function: createKvConfigReader', () => {
  it('reads the config and the health document in one reader call (both keys, in parallel)', async () => {
    // Prepare
    const doc = healthDoc(['2']);
    await env.SETTINGS.put(HEALTH_KEY, doc);
    const { kv, keys } = recordingKv();
    // Act
    const read = await createKvConfigReader(kv)();
    // Assess
    expect(read).toEqual({ text: configText, health: doc });
    expect(keys.sort()).toEqual([CONFIG_KEY, HEALTH_KEY]);
  });

  it.each<[string, string | null, Partial<Record<'text' | 'health', string | null>> | null]>([
    ['no health document: health null (missing), config as stored', configText, { text: configText, health: null }],
    ['no config: null, whatever the health key holds', null, null],
  ])('%s', async (_name, config, expected) => {
    if (config === null) await env.SETTINGS.delete(CONFIG_KEY);
    await expect(createKvConfigReader(recordingKv().kv)()).resolves.toEqual(expected);
  });

  it('a health read that fails leaves health undefined (the last one is kept); the config still reads', async () => {
    const kv = {
      get: (key: string, options: KVNamespaceGetOptions<'text'>) =>
        key === HEALTH_KEY ? Promise.reject(new Error('KV GET failed')) : env.SETTINGS.get(key, options),
    } as unknown as KVNamespace;
    await expect(createKvConfigReader(kv)()).resolves.toEqual({ text: configText, health: undefined });
  });
});

describe('Worker: a brand-new isolate skips a provider marked down from its first request', () => {
  it.each<[string, string | null, string, string]>([
    // Provider 2 (first in the order) is a refused port: without advice it costs an attempt.
    ['2 marked down: one attempt, answered by 1', healthDoc(['2']), '1', '1 200'],
    ['no document: 2 tried first, then 1', null, '2', '2 error'],
    ['a stale document is ignored: 2 tried first', healthDoc(['2'], Date.now() - 3_600_000), '2', '2 error'],
  ])('%s', async (_name, doc, attempts, firstTiming) => {
    // Prepare
    if (doc !== null) await env.SETTINGS.put(HEALTH_KEY, doc);
    // Act
    const { response, keys } = await firstRequest('/task/api/echo');
    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('x-route-attempts')).toBe(attempts);
    expect(response.headers.get('server-timing')).toMatch(new RegExp(`^p1;desc="${firstTiming}"`));
    expect(keys.sort()).toEqual([CONFIG_KEY, HEALTH_KEY]);
  });

  it('/_router/health shows the shared view beside the breakers', async () => {
    const doc = healthDoc(['2']);
    await env.SETTINGS.put(HEALTH_KEY, doc);
    const { response } = await firstRequest('/_router/health');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', providers: { '1': { state: 'closed' }, '2': { state: 'closed' } } });
    expect(body.shared).toEqual({
      checked_at: JSON.parse(doc).checked_at,
      by: 'worker-cron',
      providers: { '1': { up: true }, '2': { up: false, reason: 'connection error' } },
    });
  });
});
