import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { healthIntervalSeconds } from '../../functions/express/healthProber.ts';
import { startExpressRouter } from '../../functions/express/server.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';
import { cleanups } from '../support/cleanups.ts';

// Shared health locally (issue 15): the Express runtime's in-process prober feeds the document
// through the same ConfigManager path as the Worker's KV read and the Lambda's SSM read.

async function upstream(name: string): Promise<Upstream> {
  const u = await startUpstream(name);
  cleanups.push(() => u.close());
  return u;
}

async function start(config: unknown, env: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'hadoku-prober-'));
  const file = path.join(dir, 'route-config.json');
  writeFileSync(file, JSON.stringify(config));
  const router = await startExpressRouter({ configPath: file, port: 0, env, log: () => {}, configLog: () => {} });
  cleanups.push(() => router.close());
  return router;
}

type Health = { shared: { ignored?: string; by?: string; providers?: Record<string, { up: boolean; reason?: string }> } };
const health = async (url: string) => (await (await fetch(`${url}/_router/health`)).json()) as Health;

/** Polls `/_router/health` (bounded, ~10 s) until the shared view satisfies `ok`. */
async function untilShared(url: string, ok: (h: Health) => boolean): Promise<Health> {
  let last = await health(url);
  for (let i = 0; i < 200 && !ok(last); i++) {
    await new Promise((r) => setTimeout(r, 50));
    last = await health(url);
  }
  return last;
}

const probes = (u: Upstream) => u.requests.filter((r) => r.url === '/_router/health').length;
const routed = (u: Upstream) => u.requests.filter((r) => r.url !== '/_router/health').length;

describe('Function: healthIntervalSeconds (ROUTE_HEALTH_INTERVAL_S)', () => {
  it.each<[string | undefined, number | null]>([
    [undefined, null],
    ['', null],
    ['on', 60],
    ['0.5', 0.5],
    ['120', 120],
    [' 5 ', 5],
    ['off', null],
    ['OFF', null],
    ['0', null],
    ['-1', 60],
    ['abc', 60],
    ['Infinity', 60],
    ['NaN', 60],
  ])('%j -> %j', (value, expected) => {
    expect(healthIntervalSeconds(value === undefined ? {} : { ROUTE_HEALTH_INTERVAL_S: value })).toBe(expected);
  });
});

describe('Express: in-process health prober', () => {
  it('a hanging provider 1 is marked down after the first round; the next request does not wait on it', async () => {
    // Prepare: provider 1 never answers anything, provider 2 answers
    const [one, two] = await Promise.all([upstream('one'), upstream('two')]);
    one.set({ hang: true });
    const router = await start(
      { global_priority: '12', providers: { '1': one.url, '2': two.url }, timeout_ms: 2000, breaker: false },
      { ROUTE_HEALTH_INTERVAL_S: '30' },
    );
    // Act: wait for the first round (at start) to finish (2 up: on a loaded machine a probe of 2 may time out too)
    const seen = await untilShared(router.url, (h) => h.shared.providers?.['1']?.up === false && h.shared.providers?.['2']?.up === true);
    const res = await fetch(`${router.url}/demo/api/x`);
    // Assess
    expect(seen.shared).toMatchObject({ by: 'local', providers: { '1': { up: false, reason: 'timeout' }, '2': { up: true } } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { upstream: string }).upstream).toBe('two');
    expect(res.headers.get('x-route-attempts')).toBe('1');
    expect(res.headers.get('server-timing')).toMatch(/^p1;desc="2 200"/);
    expect(routed(one)).toBe(0);
  });

  it('probes again every interval, so a provider that comes back is marked up', async () => {
    const [one, two] = await Promise.all([upstream('one'), upstream('two')]);
    one.set({ status: 503 });
    const router = await start({ global_priority: '12', providers: { '1': one.url, '2': two.url } }, { ROUTE_HEALTH_INTERVAL_S: '0.1' });
    expect((await untilShared(router.url, (h) => h.shared.providers?.['1']?.up === false)).shared.providers?.['1']).toEqual({
      up: false,
      reason: 'status 503',
    });
    one.set({});
    expect((await untilShared(router.url, (h) => h.shared.providers?.['1']?.up === true)).shared.providers?.['1']).toEqual({ up: true });
  });

  it('never probes itself (ROUTE_SELF), and a drained or switched-off router probes no one', async () => {
    const [one, two] = await Promise.all([upstream('one'), upstream('two')]);
    const config = { global_priority: '12', providers: { '1': one.url, '2': two.url } };
    const selfRouter = await start(config, { ROUTE_HEALTH_INTERVAL_S: '0.1', ROUTE_SELF: '1' });
    const probed = await untilShared(selfRouter.url, (h) => h.shared.providers?.['2'] !== undefined);
    expect(Object.keys(probed.shared.providers ?? {})).toEqual(['2']);
    await selfRouter.close();
    const before = probes(two);
    const quiet: Record<string, string>[] = [{ ROUTE_HEALTH_INTERVAL_S: 'off' }, { ROUTE_HEALTH_INTERVAL_S: '0.1', ROUTE_DRAIN: '1' }];
    for (const env of quiet) {
      const router = await start(config, env);
      await new Promise((r) => setTimeout(r, 300));
      expect((await health(router.url)).shared).toEqual({ ignored: 'no health document read yet' });
    }
    expect(probes(one)).toBe(0);
    expect(probes(two)).toBe(before);
  });

  it('stops probing on close', async () => {
    const one = await upstream('one');
    const router = await start({ global_priority: '1', providers: { '1': one.url } }, { ROUTE_HEALTH_INTERVAL_S: '0.05' });
    await untilShared(router.url, (h) => h.shared.providers?.['1']?.up === true);
    await router.close();
    const after = probes(one);
    await new Promise((r) => setTimeout(r, 300));
    expect(probes(one)).toBe(after);
  });
});

describe('Express: in-process health prober, recovery', () => {
  it('re-probes a provider found down within seconds, not a whole interval, so it is tried first again', async () => {
    // Prepare: provider 1 refuses at start (still booting), a one-hour interval
    const [one, two] = await Promise.all([upstream('one'), upstream('two')]);
    one.set({ destroy: true });
    const router = await start({ global_priority: '12', providers: { '1': one.url, '2': two.url } }, { ROUTE_HEALTH_INTERVAL_S: '3600' });
    await untilShared(router.url, (h) => h.shared.providers?.['1']?.up === false);
    // Act: it comes up
    one.set({});
    // Assess: marked up again by a recheck (DOWN_RECHECK_S), and the next request goes to 1 first
    expect((await untilShared(router.url, (h) => h.shared.providers?.['1']?.up === true)).shared.providers?.['1']).toEqual({ up: true });
    const res = await fetch(`${router.url}/demo/api/x`);
    expect(((await res.json()) as { upstream: string }).upstream).toBe('one');
  });
});
