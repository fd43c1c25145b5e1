/**
 * What the router decides alone, before or instead of contacting a provider: the route's auth
 * header (SPEC 1 `auth`), malformed requests (400), and staying up when a provider misbehaves.
 */
import { expect } from 'vitest';
import { ADMIN_KEY, appConfig, expectEcho, expectRouterError, expectUntouched, type Scenario } from '../world.ts';

export const edgeScenarios: Scenario[] = [
  {
    name: 'auth: a write without the header or with a wrong value answers 401 before any provider is contacted',
    spec: '1',
    config: (u) =>
      appConfig(u, 'secure', '12', {
        auth: { header: 'X-Admin-Key', value: '${CONF_ADMIN_KEY}', methods: ['POST', 'PUT', 'PATCH', 'DELETE'] },
      }),
    async run(w) {
      expectRouterError(await w.send('/secure/api/x', { method: 'POST', body: '{}' }), 401);
      expectRouterError(await w.send('/secure/api/x', { method: 'POST', body: '{}', headers: { 'x-admin-key': 'wrong' } }), 401);
      expectRouterError(await w.send('/secure/api/x', { method: 'DELETE', headers: { 'x-admin-key': `${ADMIN_KEY}x` } }), 401);
      expectRouterError(await w.send('/secure/api/x', { method: 'PUT', body: '{}', headers: { 'x-admin-key': '' } }), 401);
      expectUntouched(w.a, w.b);
    },
  },
  {
    name: 'auth: the right value passes (and reaches the provider), safe methods not listed are not checked',
    spec: '1, 3.3',
    config: (u) => appConfig(u, 'secure-ok', '1', { auth: { header: 'X-Admin-Key', value: '${CONF_ADMIN_KEY}', methods: ['POST'] } }),
    async run(w) {
      expectEcho(await w.send('/secure-ok/api/x', { method: 'POST', body: '{}', headers: { 'x-admin-key': ADMIN_KEY } }), w.a);
      expect(w.a.requests[0].headers['x-admin-key']).toBe(ADMIN_KEY);
      expectEcho(await w.send('/secure-ok/api/x'), w.a);
      // SPEC 1: only GET, HEAD and OPTIONS may go keyless; DELETE needs the key although unlisted.
      expectEcho(await w.send('/secure-ok/api/x', { method: 'OPTIONS' }), w.a);
      expectRouterError(await w.send('/secure-ok/api/x', { method: 'DELETE' }), 401);
    },
  },
  {
    name: 'bad percent-encoding in a routed path answers 400 JSON without contacting anyone',
    spec: '3',
    config: (u) => appConfig(u, 'bad-pct', '1'),
    async run(w) {
      for (const target of ['/bad-pct/api/%zz', '/bad-pct/api/x%', '/bad-pct/api/%2', '/bad-pct/api/a%G1b']) {
        expectRouterError(await w.send(target), 400);
      }
      expectUntouched(w.a);
      expectEcho(await w.send('/bad-pct/api/ok%20fine'), w.a);
    },
  },
  {
    name: 'a provider closing the socket mid-body does not crash the router',
    spec: '3.5',
    config: (u) => appConfig(u, 'midbody', '12'),
    setup: (w) => w.a.set({ closeMidBody: true, body: 'x'.repeat(20_000) }),
    async run(w) {
      const broken = await w.send('/midbody/api/x').catch((error: unknown) => error);
      // The answer had started: the client sees a truncated body or a reset, never a different body.
      if (!(broken instanceof Error)) {
        const answer = broken as { status: number; body: Buffer };
        if (answer.status === 200) expect(answer.body.length).toBeLessThan(20_000);
      }
      w.a.reset();
      expectEcho(await w.send('/midbody/api/next'), w.a);
      expect((await w.send('/_router/health')).status).toBe(200);
    },
  },
  {
    name: 'garbage and destroyed connections from a provider do not crash the router',
    spec: '3.5',
    config: (u) => appConfig(u, 'garbage', '1'),
    async run(w) {
      for (const failure of [{ garbage: true }, { destroy: true }]) {
        w.a.set(failure);
        const body = expectRouterError(await w.send('/garbage/api/x'), 502);
        expect(body.app).toBe('garbage');
      }
      w.a.reset();
      expectEcho(await w.send('/garbage/api/after'), w.a);
    },
  },
];
