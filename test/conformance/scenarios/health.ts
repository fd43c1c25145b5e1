/**
 * SPEC 2, health: `/_router/health` answers 200 `ok` while every app has a provider whose breaker
 * is not open, and 503 `degraded` naming the apps that have none, so an uptime monitor can watch
 * it; `?app=` narrows the verdict to one app. Provider ids `h`/`k` are used by no other scenario,
 * so the breaker state left behind in the router process touches nobody else.
 */
import { expect } from 'vitest';
import { baseConfig, expectEcho, expectRouterError, type Scenario } from '../world.ts';

export const healthScenarios: Scenario[] = [
  {
    name: '/_router/health is 503 degraded naming the apps whose providers are all open; ?app= narrows it',
    spec: '2',
    config: (u) =>
      baseConfig(u, {
        breaker: { failures: 1, cooldown_ms: 20_000 },
        providers: { h: u.refused, k: u.b.url },
        routes: { sick: { priority: 'h' }, fine: { priority: 'k' } },
      }),
    async run(w) {
      const before = await w.send('/_router/health');
      expect(before.status, before.text).toBe(200);
      expect(before.json().status).toBe('ok');
      expectRouterError(await w.send('/sick/api/x'), 502);
      const after = await w.send('/_router/health');
      expect(after.status, after.text).toBe(503);
      expect(after.json()).toMatchObject({ status: 'degraded', apps: ['sick'] });
      expect((after.json().providers as Record<string, { state: string }>).h.state).toBe('open');
      const fine = await w.send('/_router/health?app=fine');
      expect(fine.status).toBe(200);
      expect(fine.json().status).toBe('ok');
      expect((await w.send('/_router/health?app=sick')).status).toBe(503);
      // A client still gets the all-open order tried (SPEC 5); health only reports.
      expectEcho(await w.send('/fine/api/x'), w.b);
    },
  },
];
