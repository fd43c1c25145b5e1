import { describe, expect, it } from 'vitest';
import {
  AppRegistryError,
  ConfigManager,
  appAttempt,
  checkAppRegistry,
  createRouter,
  hostedApps,
  type AppModule,
  type AppRegistry,
  type UpstreamFetch,
} from '../../shared/index.ts';
import { scriptedRouter } from './routerHarness.ts';

const ok: AppModule = { fetch: () => new Response('local ok') };
const noNetwork: UpstreamFetch = () => Promise.reject(new Error('no network in this test'));
const cfg = (priority = '12') => ({
  breaker: false,
  timeout_ms: 200,
  routes: { task: { priority }, other: { priority } },
  providers: { '1': 'http://p1.test', '2': 'http://p2.test' },
});

describe('Function: checkAppRegistry', () => {
  it.each([
    ['an upper-case name', { Task: ok }, 'app registry entry "Task": not a valid app name'],
    ['a name with a slash', { 'task/v2': ok }, 'app registry entry "task/v2": not a valid app name'],
    ['an empty name', { '': ok }, 'app registry entry "": not a valid app name'],
    ['a name with a dot', { 'task.v2': ok }, 'not a valid app name'],
    ['an entry without fetch', { task: {} }, 'app registry entry "task": has no fetch(request, env) function'],
    ['an entry that is null', { task: null }, 'app registry entry "task": has no fetch'],
    ['fetch that is not a function', { task: { fetch: 'x' } }, 'has no fetch'],
  ])('rejects %s, naming the entry', (_what, registry, message) => {
    expect(() => checkAppRegistry(registry as Record<string, unknown>)).toThrow(AppRegistryError);
    expect(() => checkAppRegistry(registry as Record<string, unknown>)).toThrow(message);
  });

  it('accepts valid names and Fetch handler modules', () => {
    expect(() => checkAppRegistry({ task: ok, 'watch-party2': ok })).not.toThrow();
  });

  it('is what createRouter runs: a bad registry fails at start, not per request', () => {
    const config = new ConfigManager({ source: 'file', read: async () => ({ text: JSON.stringify(cfg()) }), env: {} });
    expect(() => createRouter({ config, fetch: noNetwork, apps: { 'Bad Name': ok } as AppRegistry })).toThrow('"Bad Name"');
  });
});

describe('Function: hostedApps', () => {
  const registry = { task: ok, watchparty: ok };
  it.each([
    ['unset: every app', undefined, ['task', 'watchparty']],
    ['empty: every app', '  ', ['task', 'watchparty']],
    ['one app', 'watchparty', ['watchparty']],
    ['a list with spaces', ' task , watchparty ', ['task', 'watchparty']],
    ['none: a pure router', 'none', []],
    ['NONE in capitals', 'NONE', []],
  ])('ROUTE_APPS %s', (_what, value, expected) => {
    expect(Object.keys(hostedApps(registry, { ROUTE_APPS: value }))).toEqual(expected);
  });

  it('rejects an app the registry does not have, naming ROUTE_APPS and the known apps', () => {
    expect(() => hostedApps(registry, { ROUTE_APPS: 'task,tsak' })).toThrow(
      'ROUTE_APPS: unknown app "tsak" (the registry has: task, watchparty; "none" hosts no app)',
    );
  });

  it('with an empty registry, the message says it has none', () => {
    expect(() => hostedApps({}, { ROUTE_APPS: 'task' })).toThrow(
      'ROUTE_APPS: unknown app "task" (the registry has: none; "none" hosts no app)',
    );
  });
});

describe('Function: appAttempt', () => {
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} };
  it.each([
    [
      'throws',
      {
        fetch: () => {
          throw new Error('boom with s3cret inside');
        },
      },
      'it threw Error',
    ],
    ['rejects', { fetch: async () => Promise.reject(new TypeError('x')) }, 'it threw TypeError'],
    [
      'returns a plain object',
      { fetch: () => ({ status: 200 }) as unknown as Response },
      'it returned a plain object instead of a Response',
    ],
    ['returns undefined', { fetch: () => undefined as unknown as Response }, 'it returned undefined instead of a Response'],
    ['returns a string', { fetch: () => 'hi' as unknown as Response }, 'it returned string instead of a Response'],
  ])('an app that %s answers 500 JSON naming the app, never its error text', async (_what, app, reason) => {
    const reports: Record<string, unknown>[] = [];
    const local = appAttempt('task', app as AppModule, {}, ctx, (line) => reports.push(line));
    const response = await local(new Request('http://router.test/task/api'));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: `app task failed: ${reason}`, app: 'task' });
    expect(text).not.toContain('s3cret');
    expect(reports).toEqual([{ level: 'error', msg: 'app_failed', app: 'task', reason: reason.replace(/^it /, '') }]);
  });

  it('passes the request, env and ctx through unchanged', async () => {
    const seen: unknown[] = [];
    const env = { ROUTE_SELF: '1', ROUTE_RUNTIME: 'express', DB: { binding: true } };
    const local = appAttempt('task', { fetch: (r, e, c) => (seen.push(r.url, e, c), new Response('ok')) }, env, ctx);
    await local(new Request('http://router.test/task/api/x'));
    expect(seen).toEqual(['http://router.test/task/api/x', env, ctx]);
  });
});

describe('Function: createRouter with apps (SPEC 4)', () => {
  it('serves self in-process with the hosted app, judged like any attempt', async () => {
    const { get, calls, logs } = scriptedRouter(
      cfg('12'),
      { '2': 200 },
      { self: '1', apps: { task: { fetch: () => new Response('gone', { status: 503 }) } } },
    );
    const res = await get('/task/api/x');
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toMatch(/^p1;desc="1 503";dur=[\d.]+, p2;desc="2 200"/);
    expect(calls.map((c) => c.provider)).toEqual(['2']);
    expect(logs[0].attempts.map((a) => [a.provider, a.local ?? false])).toEqual([
      ['1', true],
      ['2', false],
    ]);
  });

  it.each([
    [
      'throws',
      {
        fetch: () => {
          throw new Error('boom');
        },
      } as AppModule,
      '1 500',
    ],
    ['returns a non-Response', { fetch: () => 42 as unknown as Response } as AppModule, '1 500'],
    ['hangs (the attempt timeout cuts it)', { fetch: () => new Promise<Response>(() => {}) } as AppModule, '1 timeout'],
  ])('an app that %s is a failed attempt of self: the next provider answers', async (_what, app, first) => {
    const { get } = scriptedRouter(cfg('12'), { '2': 200 }, { self: '1', apps: { task: app } });
    const res = await get('/task/api/x');
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toContain(`p1;desc="${first}"`);
    expect(await res.json()).toEqual({ provider: '2' });
  });

  it('skips self for an app it does not host, and serves the one it hosts', async () => {
    const { get, calls } = scriptedRouter(cfg('12'), { '2': 200 }, { self: '1', apps: { task: ok } });
    expect(await (await get('/task/api/x')).text()).toBe('local ok');
    expect(await (await get('/other/api/x')).json()).toEqual({ provider: '2' });
    expect(calls.map((c) => c.url)).toEqual(['http://p2.test/other/api/x']);
  });

  it('X-No-Fallback: 1 is answered by the hosted app once, even when self is last in the order', async () => {
    const { get, calls } = scriptedRouter(
      cfg('21'),
      { '2': 200 },
      { self: '1', apps: { task: { fetch: () => new Response('nope', { status: 404 }) } } },
    );
    const res = await get('/task/api/x', { headers: { 'x-no-fallback': '1' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-route-attempts')).toBe('1');
    expect(calls).toEqual([]);
  });

  it('gives the app the env with ROUTE_SELF and ROUTE_RUNTIME added', async () => {
    let seen: Record<string, unknown> = {};
    const config = new ConfigManager({ source: 'file', read: async () => ({ text: JSON.stringify(cfg('1')) }), env: {} });
    const router = createRouter({
      config,
      fetch: noNetwork,
      self: '1',
      runtime: 'lambda',
      appEnv: { GREETING: 'hi' },
      apps: { task: { fetch: (_r, env) => ((seen = { ...env }), new Response('ok')) } },
      log: () => {},
    });
    await router.fetch(new Request('http://router.test/task/api/x'));
    expect(seen).toEqual({ GREETING: 'hi', ROUTE_SELF: '1', ROUTE_RUNTIME: 'lambda' });
  });

  it('/_config/route lists the apps this deployment hosts beside the SPEC 2 shape of each app', async () => {
    const { get } = scriptedRouter(cfg('12'), {}, { self: '1', apps: { task: ok } });
    const body = await (await get('/_config/route')).json();
    expect(body.hosted_apps).toEqual(['task']);
    expect(body.apps.task).toEqual({ order: ['1', '2'], priority_source: 'config' });
  });

  it('/_config/route says "*" when one local handler serves every app (middleware mode)', async () => {
    const { get } = scriptedRouter(cfg('12'), {}, { self: '1', local: async () => new Response('x') });
    expect((await (await get('/_config/route')).json()).hosted_apps).toBe('*');
  });

  it.each<[string, boolean]>([
    ['the runtime keeps alive (the Worker isolate)', true],
    ['nothing keeps alive (Node, Lambda): a failing one is swallowed', false],
  ])("an app's ctx.waitUntil reaches what %s", async (_what, runtimeHasWaitUntil) => {
    // Prepare: an app that hands background work to waitUntil
    // (an unhandled rejection would fail the run: vitest reports it as an error)
    const kept: Promise<unknown>[] = [];
    let work: Promise<unknown> | undefined;
    const app: AppModule = {
      fetch: (_r, _env, ctx) => (ctx.waitUntil((work = Promise.reject(new Error('background failed')))), new Response('ok')),
    };
    const config = new ConfigManager({ source: 'file', read: async () => ({ text: JSON.stringify(cfg('1')) }), env: {} });
    const router = createRouter({ config, fetch: noNetwork, self: '1', apps: { task: app }, log: () => {} });
    // Act
    const res = await router.fetch(
      new Request('http://router.test/task/api/x'),
      runtimeHasWaitUntil ? { waitUntil: (p) => kept.push(p) } : {},
    );
    // Assess
    expect(await res.text()).toBe('ok');
    expect(work).toBeDefined();
    expect(kept).toEqual(runtimeHasWaitUntil ? [work] : []);
    await work!.catch(() => {});
  });
});
