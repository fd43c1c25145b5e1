import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startExpressRouter } from '../../functions/express/index.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';
import { cleanups } from '../support/cleanups.ts';

async function upstream(name: string): Promise<Upstream> {
  const u = await startUpstream(name);
  cleanups.push(() => u.close());
  return u;
}

function writeAtomically(file: string, config: unknown): void {
  writeFileSync(`${file}.tmp`, typeof config === 'string' ? config : JSON.stringify(config));
  renameSync(`${file}.tmp`, file);
}

async function start(config: Record<string, unknown>) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'hadoku-metrics-')), 'route-config.json');
  writeAtomically(file, config);
  // No shared-health prober: the counts below are of a dead provider tried first on purpose.
  const env = { ROUTE_HEALTH_INTERVAL_S: 'off' };
  const router = await startExpressRouter({ configPath: file, port: 0, env, log: () => {}, configLog: () => {} });
  cleanups.push(() => router.close());
  return { ...router, file, scrape: (headers: Record<string, string> = {}) => fetch(`${router.url}/_router/metrics`, { headers }) };
}

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Polls `check` every 25 ms, at most `ms`. */
async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('Express: GET /_router/metrics (Prometheus)', () => {
  it('counts requests, attempts, fallbacks, latency and breaker state per app and provider', async () => {
    const [one, two] = [await upstream('one'), await upstream('two')];
    two.set({ status: 503 });
    const router = await start({ routes: { task: { priority: '21' } }, providers: { '1': one.url, '2': two.url } });
    for (let i = 0; i < 3; i++) expect((await fetch(`${router.url}/task/api/x`)).status).toBe(200);

    const res = await router.scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(sample(text, 'hadoku_route_requests_total{app="task",provider="1",code="200"}')).toBe(3);
    expect(sample(text, 'hadoku_route_attempts_total{app="task",provider="2",outcome="5xx"}')).toBe(3);
    expect(sample(text, 'hadoku_route_attempts_total{app="task",provider="1",outcome="2xx"}')).toBe(3);
    expect(sample(text, 'hadoku_route_fallbacks_total{app="task",provider="2"}')).toBe(3);
    expect(sample(text, 'hadoku_route_fallbacks_total{app="task",provider="1"}')).toBeUndefined();
    expect(sample(text, 'hadoku_route_request_duration_seconds_count{app="task"}')).toBe(3);
    expect(sample(text, 'hadoku_route_attempt_duration_seconds_count{provider="2"}')).toBe(3);
    // Three 503s in a row open provider 2's breaker (default breaker.failures = 3).
    expect(sample(text, 'hadoku_route_breaker_state{provider="2"}')).toBe(2);
    expect(sample(text, 'hadoku_route_breaker_state{provider="1"}')).toBe(0);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('labels an app without a route _other, so clients cannot create series', async () => {
    const one = await upstream('one');
    const router = await start({ global_priority: '1', routes: { task: { priority: '1' } }, providers: { '1': one.url } });
    for (const app of ['random-1', 'random-2', 'task']) await fetch(`${router.url}/${app}/api/x`);
    const text = await (await router.scrape()).text();
    expect(sample(text, 'hadoku_route_requests_total{app="_other",provider="1",code="200"}')).toBe(2);
    expect(sample(text, 'hadoku_route_requests_total{app="task",provider="1",code="200"}')).toBe(1);
    expect(text).not.toContain('random-');
  });

  it('counts config reloads: rejected (last good kept) and ok', async () => {
    const one = await upstream('one');
    const config = { routes: { task: { priority: '1' } }, providers: { '1': one.url } };
    const router = await start(config);
    const metric = async (series: string) => sample(await (await router.scrape()).text(), series);
    expect(await metric('hadoku_route_config_reloads_total{result="rejected"}')).toBe(0);

    writeAtomically(router.file, '{ "providers": ');
    await eventually(async () => (await metric('hadoku_route_config_reloads_total{result="rejected"}')) === 1);
    expect(await metric('hadoku_route_config_last_reload_ok')).toBe(0);

    writeAtomically(router.file, { ...config, global_priority: '1' });
    await eventually(async () => (await metric('hadoku_route_config_reloads_total{result="ok"}')) === 1);
    expect(await metric('hadoku_route_config_last_reload_ok')).toBe(1);
  });

  it.each([
    ['missing key', {}],
    ['wrong key', { 'x-admin-key': 'wrong' }],
  ])('answers 401 and no data to a %s when a route has auth', async (_what, headers) => {
    const one = await upstream('one');
    const auth = { header: 'X-Admin-Key', value: 's3cret-key' };
    const router = await start({ routes: { task: { priority: '1', auth } }, providers: { '1': one.url } });
    await fetch(`${router.url}/task/api/x`);
    const res = await router.scrape(headers);
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: 'unauthorized', header: 'X-Admin-Key' });
    expect(text).not.toContain('hadoku_route');
    expect((await router.scrape({ 'x-admin-key': 's3cret-key' })).status).toBe(200);
  });

  it('answers 405 to a POST and leaves other paths to the router', async () => {
    const one = await upstream('one');
    const router = await start({ global_priority: '1', providers: { '1': one.url } });
    expect((await fetch(`${router.url}/_router/metrics`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${router.url}/_router/metrics/x`)).status).toBe(404);
    expect((await fetch(`${router.url}/_router/health`)).status).toBe(200);
  });

  it('ships a Grafana dashboard whose every query names a metric the router exposes', async () => {
    const one = await upstream('one');
    const router = await start({ routes: { task: { priority: '1' } }, providers: { '1': one.url } });
    await fetch(`${router.url}/task/api/x`);
    const exposed = await (await router.scrape()).text();
    const dashboard = JSON.parse(readFileSync(new URL('../../functions/express/grafanaDashboard.json', import.meta.url), 'utf8'));
    const exprs: string[] = dashboard.panels.flatMap((p: { targets: Array<{ expr: string }> }) => p.targets.map((t) => t.expr));
    const names = new Set(exprs.flatMap((e) => e.match(/hadoku_route_[a-z_]+/g) ?? []));
    expect(names.size).toBeGreaterThan(5);
    for (const name of names) expect(exposed, name).toMatch(new RegExp(`^# TYPE ${name.replace(/_(bucket|count|sum)$/, '')} `, 'm'));
  });
});
