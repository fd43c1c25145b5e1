import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { createWorker, type CreateWorkerOptions } from '../../functions/worker/createWorker.ts';
import entry from '../../functions/worker/index.ts';
import type { WorkerEnv } from '../../functions/worker/workerEnv.ts';
import { HEALTH_DOC, readHealthDocument, type HealthDocument } from '../../shared/index.ts';

// The Cron Trigger inside real workerd: providers are the real upstream server on 127.0.0.1
// (its /_router/health answers 404 JSON: an answer, so up) and a refused port (down).
const upstream = `http://127.0.0.1:${inject('upstreamPort')}`;
const NOW = Date.parse('2026-12-01T00:00:00.000Z');

/** Provider 1 the upstream, 2 a refused port, 3 the upstream under /lambda (vitest.config.ts vars). */
const CONFIG = JSON.stringify({
  global_priority: '123',
  routes: { task: { priority: '123' } },
  providers: { '1': '${LOCAL_BASE}', '2': '${WORKER_BASE}', '3': '${LAMBDA_BASE}' },
  timeout_ms: 2000,
});

/** Fires one scheduled event at a fresh Worker, as the Cron Trigger would, and waits for it to end. */
async function fireCron(options: CreateWorkerOptions = {}, envOverrides: Partial<WorkerEnv> = {}): Promise<void> {
  const worker = createWorker({ now: () => NOW, ...options });
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: NOW, cron: '* * * * *' }), { ...env, ...envOverrides }, ctx);
  await waitOnExecutionContext(ctx);
}

async function storedDocument(): Promise<HealthDocument | null> {
  const text = await env.SETTINGS.get(HEALTH_DOC.kvKey);
  return text === null ? null : (JSON.parse(text) as HealthDocument);
}

/** The JSON lines the Worker logged, by `msg`. */
function loggedLines(spy: ReturnType<typeof vi.spyOn>): Array<Record<string, unknown>> {
  return spy.mock.calls.flatMap((call: unknown[]) => {
    try {
      return [JSON.parse(String(call[0])) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

describe('Method: scheduled (Cron Trigger -> KV health document)', () => {
  let logSpy: ReturnType<typeof vi.spyOn>;
  beforeEach(async () => {
    await env.SETTINGS.delete(HEALTH_DOC.kvKey);
    await env.SETTINGS.put('route-config', CONFIG);
    logSpy = vi.spyOn(console, 'log');
  });
  afterEach(() => logSpy.mockRestore());

  it('probes every provider of the KV config and writes the document beside the config', async () => {
    // Act
    await fireCron();

    // Assess
    const doc = await storedDocument();
    expect(doc).toMatchObject({ version: 1, by: 'worker-cron', checked_at: new Date(NOW).toISOString(), interval_s: HEALTH_DOC.intervalS });
    expect(doc!.providers['1']).toMatchObject({ up: true, status: 404 });
    expect(doc!.providers['2']).toMatchObject({ up: false, status: null, reason: 'connection error' });
    expect(doc!.providers['3']).toMatchObject({ up: true, status: 404 });
    // What a router reads next: fresh, with provider 2 known down.
    const advice = readHealthDocument(await env.SETTINGS.get(HEALTH_DOC.kvKey), NOW);
    expect(advice.ok && [...advice.down]).toEqual(['2']);
    expect(loggedLines(logSpy)).toContainEqual(expect.objectContaining({ msg: 'health_probe', down: ['2'], providers: 3 }));
  });

  it('probes through the KV config the isolate routes with, not the baked one', async () => {
    // Prepare: the baked config lists only the refused port; KV holds the three providers.
    const baked = JSON.stringify({ global_priority: '2', providers: { '2': '${WORKER_BASE}' } });

    // Act
    await fireCron({ baked });

    // Assess
    expect(Object.keys((await storedDocument())!.providers).sort()).toEqual(['1', '2', '3']);
  });

  it('never puts a provider base (nor a token in its path) into the document, even for a refused one', async () => {
    // Prepare: credentials in a base are refused by validation; a token in the path is not.
    await env.SETTINGS.put('route-config', CONFIG.replace('${WORKER_BASE}', '${WORKER_BASE}/k3y-s3cret'));

    // Act
    await fireCron();

    // Assess
    const text = (await env.SETTINGS.get(HEALTH_DOC.kvKey))!;
    expect(JSON.parse(text).providers['2']).toMatchObject({ up: false });
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain(upstream);
  });

  // Hostile or missing config with nothing baked: skip the round with one line, never throw.
  it.each([
    ['missing', null],
    ['not JSON', '{"providers":'],
    ['invalid (no providers)', JSON.stringify({ global_priority: '1' })],
  ])('skips the round with one log line when the KV config is %s and nothing is baked', async (_case, text) => {
    // Prepare
    if (text === null) await env.SETTINGS.delete('route-config');
    else await env.SETTINGS.put('route-config', text);

    // Act
    await expect(fireCron()).resolves.toBeUndefined();

    // Assess
    expect(await storedDocument()).toBeNull();
    const skipped = loggedLines(logSpy).filter((line) => line.msg === 'health_probe_skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.reason).toMatch(/no usable config/);
  });

  it('logs a KV write that fails instead of throwing', async () => {
    // Prepare: reads go to the real namespace, writes fail as during a KV incident.
    const kv = {
      get: (key: string, options: KVNamespaceGetOptions<'text'>) => env.SETTINGS.get(key, options),
      put: () => Promise.reject(new Error('KV PUT failed: 503 Service Unavailable')),
    } as unknown as KVNamespace;

    // Act
    await expect(fireCron({}, { SETTINGS: kv })).resolves.toBeUndefined();

    // Assess
    expect(await storedDocument()).toBeNull();
    expect(loggedLines(logSpy)).toContainEqual(expect.objectContaining({ msg: 'health_probe_not_stored', level: 'error' }));
  });
});

describe('Worker entry point: scheduled', () => {
  beforeEach(async () => {
    await env.SETTINGS.delete(HEALTH_DOC.kvKey);
    await env.SETTINGS.delete('route-config');
  });

  it('has a scheduled handler that probes the baked repository config when KV is empty', async () => {
    // Act
    const ctx = createExecutionContext();
    await entry.scheduled(createScheduledController({ cron: '* * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);

    // Assess: route-config.json's providers, fresh; the refused WORKER_BASE is down.
    const advice = readHealthDocument(await env.SETTINGS.get(HEALTH_DOC.kvKey), Date.now());
    expect(advice.ok).toBe(true);
    if (!advice.ok) return;
    expect(advice.doc.by).toBe('worker-cron');
    expect(Object.keys(advice.doc.providers).length).toBeGreaterThan(0);
    expect(Object.values(advice.doc.providers).some((p) => !p.up)).toBe(true);
  });
});
