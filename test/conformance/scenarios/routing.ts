/**
 * SPEC 2: which requests are routed, judged on the normalised path, and what the router answers
 * for unknown apps, empty priorities and everything it does not proxy.
 */
import { expect } from 'vitest';
import { appConfig, baseConfig, expectEcho, expectRouterError, expectUntouched, type Scenario } from '../world.ts';

export const routingScenarios: Scenario[] = [
  {
    name: '/<app>/api and /<app>/api/... are routed to the app, path and query unchanged',
    spec: '2',
    config: (u) => appConfig(u, 'route-forms', '1'),
    async run(w) {
      for (const target of ['/route-forms/api', '/route-forms/api/', '/route-forms/api/x/y?q=1&r=two']) {
        expectEcho(await w.send(target), w.a);
      }
      expect(w.a.requests.map((r) => r.url)).toEqual(['/route-forms/api', '/route-forms/api/', '/route-forms/api/x/y?q=1&r=two']);
    },
  },
  {
    name: 'dot segments are resolved before the app is chosen',
    spec: '2',
    config: (u) => baseConfig(u, { routes: { dots: { priority: '1' }, other: { priority: '2' } } }),
    async run(w) {
      const cases: Array<[string, 'a' | 'b', string]> = [
        ['/dots/x/../api/items', 'a', '/dots/api/items'],
        ['/dots/api/./a/../b', 'a', '/dots/api/b'],
        ['/other/../dots/api/c', 'a', '/dots/api/c'],
        ['/x/../../dots/api/g', 'a', '/dots/api/g'],
        ['/dots/api/../../other/api/d', 'b', '/other/api/d'],
      ];
      for (const [target, who, seen] of cases) {
        const up = w[who];
        const before = up.requests.length;
        expectEcho(await w.send(target), up);
        expect(up.requests[before]?.url, `${target} reaches ${who} as ${seen}`).toBe(seen);
      }
    },
  },
  {
    name: '%2e dot segments are resolved as WHATWG URL does',
    spec: '2',
    config: (u) => baseConfig(u, { routes: { pct: { priority: '1' }, other: { priority: '2' } } }),
    async run(w) {
      const cases: Array<[string, 'a' | 'b', string]> = [
        ['/pct/%2e/api/f', 'a', '/pct/api/f'],
        ['/pct/x/%2E%2E/api/h', 'a', '/pct/api/h'],
        ['/pct/api/%2e%2e/%2E%2e/other/api/e', 'b', '/other/api/e'],
        ['/pct/api/.%2e/.%2E/other/api/k', 'b', '/other/api/k'],
      ];
      for (const [target, who, seen] of cases) {
        const up = w[who];
        const before = up.requests.length;
        expectEcho(await w.send(target), up);
        expect(up.requests[before]?.url, `${target} reaches ${who} as ${seen}`).toBe(seen);
      }
    },
  },
  {
    name: 'a path whose dot segments leave /<app>/api is not routed',
    spec: '2',
    config: (u) => baseConfig(u, { global_priority: '1', routes: { dots: { priority: '1' } } }),
    async run(w) {
      for (const target of ['/dots/api/..', '/dots/api/%2e%2e', '/dots/api/../x']) {
        const answer = await w.send(target);
        expect(answer.status, `${target} is not routed`).toBe(404);
      }
      expectUntouched(w.a);
    },
  },
  {
    name: 'an app not in routes uses global_priority',
    spec: '2',
    config: (u) => baseConfig(u, { global_priority: '21', routes: { listed: { priority: '1' } } }),
    async run(w) {
      expectEcho(await w.send('/whatever-app/api/x'), w.b);
      expectEcho(await w.send('/listed/api/x'), w.a);
    },
  },
  {
    name: 'an unknown app with an empty global_priority answers 404 {"error":"unknown app"}',
    spec: '2',
    config: (u) => baseConfig(u, { global_priority: '', routes: { known: { priority: '1' } } }),
    async run(w) {
      const body = expectRouterError(await w.send('/nobody/api/x'), 404);
      expect(body.error).toBe('unknown app');
      expectUntouched(w.a, w.b, w.c, w.d);
    },
  },
  {
    name: 'an unknown app with no global_priority key at all answers 404 unknown app',
    spec: '1, 2',
    config: (u) => ({ routes: { known: { priority: '1' } }, providers: { '1': u.a.url } }),
    async run(w) {
      expect(expectRouterError(await w.send('/nobody/api/x'), 404).error).toBe('unknown app');
      expectEcho(await w.send('/known/api/x'), w.a);
    },
  },
  {
    name: 'a listed app with an empty priority answers 503 without contacting anyone',
    spec: '2',
    config: (u) => baseConfig(u, { global_priority: '1', routes: { dark: { priority: '' } } }),
    async run(w) {
      expectRouterError(await w.send('/dark/api/x'), 503);
      expectUntouched(w.a, w.b, w.c, w.d);
    },
  },
  {
    name: 'paths that are not /<app>/api are never proxied',
    spec: '2',
    config: (u) => baseConfig(u, { global_priority: '1', routes: { task: { priority: '1' } } }),
    async run(w) {
      const targets = [
        '/nothing-here.txt',
        '/task',
        '/task/',
        '/task/apix',
        '/task/api-x/y',
        '/task/v1/api/x',
        '/Task/api/x',
        '/TASK/api',
        '/task_1/api/x',
        '/a.b/api/x',
        '/api/x',
        '/_router/healthz',
      ];
      for (const target of targets) {
        const answer = await w.send(target);
        expect(answer.header('x-backend-source'), `${target} must not be proxied`).toBeUndefined();
        // The Worker hands non-API paths to its static assets (which may serve a page); the
        // others answer 404.
        if (w.runtime !== 'worker') expect(answer.status, `${target}`).toBe(404);
        else expect(answer.status, `${target}`).not.toBeGreaterThanOrEqual(500);
      }
      expectUntouched(w.a);
    },
  },
];
