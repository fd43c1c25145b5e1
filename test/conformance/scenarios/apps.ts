/**
 * SPEC 4 with apps: every runtime hosts the repository's apps (`apps/index.ts`) under `serve`.
 * Self (ROUTE_SELF = 4, one of the
 * providers the router starts with) is the `evil` upstream's URL: any request it records would be the router
 * calling itself over HTTP instead of serving the attempt in-process. The demo apps say which
 * provider and runtime answered, so a scenario can tell the local copy from a provider.
 */
import { expect } from 'vitest';
import {
  baseConfig,
  errorAttempts,
  expectAttempts,
  expectEcho,
  expectRouterError,
  expectUntouched,
  type Scenario,
  type Upstreams,
  type World,
} from '../world.ts';

/** Provider 4 is self (never to be contacted), 2 is a real provider. */
const selfConfig = (u: Upstreams, routes: Record<string, unknown>) =>
  baseConfig(u, { providers: { '4': u.evil.url, '2': u.b.url }, routes });

/** Asserts an answer from this deployment's own copy of an app (provider 4, this runtime). */
function expectLocal(w: World, answer: Awaited<ReturnType<World['send']>>, status = 200): Record<string, unknown> {
  expect(answer.status, answer.text).toBe(status);
  const body = answer.json();
  expect(body.provider, 'the app says which provider served it').toBe('4');
  expect(body.runtime, 'the app says which runtime served it').toBe(w.runtime);
  return body;
}

export const appScenarios: Scenario[] = [
  {
    name: "self in an order is served in-process by this deployment's own copy of the app",
    spec: '4',
    env: () => ({ ROUTE_SELF: '4' }),
    config: (u) => selfConfig(u, { task: { priority: '42' }, watchparty: { priority: '24' } }),
    async run(w) {
      const answer = await w.send('/task/api/tasks', {
        method: 'POST',
        body: '{"title":"write the spec"}',
        headers: { 'content-type': 'application/json' },
      });
      const body = expectLocal(w, answer, 201);
      expect((await w.send('/_config/route')).json().hosted_apps).toEqual(['task', 'watchparty']);
      expect((body.task as { title: string }).title).toBe('write the spec');
      expectAttempts(answer, ['4 201']);
      // Second in the order: the provider answers first, self is not needed.
      expectEcho(await w.send('/watchparty/api/parties'), w.b);
      expectUntouched(w.evil);
    },
  },
  {
    name: "the local app's answer is judged like any attempt: 404 falls back, a 4xx answer is the answer",
    spec: '3.5, 4',
    env: () => ({ ROUTE_SELF: '4' }),
    config: (u) => selfConfig(u, { task: { priority: '42' } }),
    async run(w) {
      const missing = await w.send('/task/api/tasks/424242');
      expectEcho(missing, w.b);
      expectAttempts(missing, ['4 404', '2 200']);
      const invalid = await w.send('/task/api/tasks', {
        method: 'POST',
        body: '{"title": 7}',
        headers: { 'content-type': 'application/json' },
      });
      expect(expectLocal(w, invalid, 422).errors).toEqual(['title: required, a non-empty string']);
      expectAttempts(invalid, ['4 422']);
      expectUntouched(w.evil);
    },
  },
  {
    name: 'X-No-Fallback: 1 is answered by the local copy in exactly one attempt, wherever self stands in the order',
    spec: '4',
    env: () => ({ ROUTE_SELF: '4' }),
    config: (u) => selfConfig(u, { task: { priority: '24' } }),
    async run(w) {
      const answer = await w.send('/task/api/tasks/424242', { headers: { 'x-no-fallback': '1' } });
      expectLocal(w, answer, 404);
      expectAttempts(answer, ['4 404']);
      expectUntouched(w.b, w.evil);
    },
  },
  {
    name: 'an app this deployment does not host (ROUTE_APPS) skips self; a hosted one is served locally',
    spec: '4',
    env: () => ({ ROUTE_SELF: '4', ROUTE_APPS: 'watchparty' }),
    config: (u) => selfConfig(u, { task: { priority: '42' }, watchparty: { priority: '42' }, lone: { priority: '4' } }),
    async run(w) {
      const task = await w.send('/task/api/tasks');
      expectEcho(task, w.b);
      expectAttempts(task, ['2 200']);
      expectAttempts(await w.send('/watchparty/api/parties'), ['4 200']);
      // Sent by another router, for an app not hosted here: the first provider left answers.
      w.b.reset();
      const forwarded = await w.send('/task/api/tasks', { headers: { 'x-no-fallback': '1' } });
      expectAttempts(forwarded, ['2 200']);
      // Nothing but self, and self does not host it: nothing to try (SPEC 3.7).
      expect(errorAttempts(expectRouterError(await w.send('/lone/api/x'), 502))).toEqual([]);
      expect((await w.send('/_config/route')).json().hosted_apps).toEqual(['watchparty']);
      expectUntouched(w.evil);
    },
  },
  {
    name: 'a deployment with no apps (ROUTE_APPS=none) is a pure router: self is skipped as before',
    spec: '4',
    env: () => ({ ROUTE_SELF: '4', ROUTE_APPS: 'none' }),
    config: (u) => selfConfig(u, { task: { priority: '42' } }),
    async run(w) {
      const answer = await w.send('/task/api/tasks');
      expectEcho(answer, w.b);
      expectAttempts(answer, ['2 200']);
      expect((await w.send('/_config/route')).json().hosted_apps).toEqual([]);
      expectUntouched(w.evil);
    },
  },
  {
    name: 'ROUTE_DRAIN answers 503 to routed paths without contacting anyone, and config and health say drain: true',
    spec: '4, 9',
    env: () => ({ ROUTE_SELF: '4', ROUTE_DRAIN: 'true' }),
    config: (u) => selfConfig(u, { task: { priority: '24' } }),
    async run(w) {
      for (const headers of [{}, { 'x-no-fallback': '1' }]) {
        const body = expectRouterError(await w.send('/task/api/tasks', { headers }), 503);
        expect(body.error).toBe('draining');
      }
      expect((await w.send('/_config/route')).json().drain).toBe(true);
      const health = await w.send('/_router/health');
      expect(health.json().drain).toBe(true);
      expectUntouched(w.b, w.evil);
    },
  },
];
