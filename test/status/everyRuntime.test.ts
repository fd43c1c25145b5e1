import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouterProcess, type RouterProcess, type RuntimeName } from '../support/routerProcess.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';

/**
 * The status page is served by the shared core, so every runtime has it: each one is started the
 * way a user does (`hadoku-route serve --runtime X`), a provider fails until its breaker opens, and
 * the page (and its key check) is read over HTTP.
 */
describe.each<RuntimeName>(['express', 'worker', 'lambda'])('GET /_router/status on %s', (runtime) => {
  let one: Upstream;
  let two: Upstream;
  let router: RouterProcess;

  beforeAll(async () => {
    [one, two] = [await startUpstream('one'), await startUpstream('two')];
    two.set({ status: 503 });
    router = await startRouterProcess({
      runtime,
      config: {
        routes: { task: { priority: '21', auth: { header: 'X-Admin-Key', value: '${TASK_KEY}', methods: ['POST'] } } },
        providers: { '1': one.url, '2': two.url },
      },
      // No shared-health prober (express): the failing provider is to be tried first until its breaker opens.
      env: { TASK_KEY: 'status-test-key', ROUTE_HEALTH_INTERVAL_S: 'off' },
    });
  }, 120_000);

  afterAll(async () => {
    await router?.stop();
    await one?.close();
    await two?.close();
  });

  it('shows provider 2 open after three failures, and the requests with their attempts', async () => {
    for (let i = 0; i < 3; i++) expect((await fetch(`${router.baseUrl}/task/api/x`)).status).toBe(200);
    const res = await fetch(`${router.baseUrl}/_router/status`, { headers: { 'x-admin-key': 'status-test-key' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toContain(`<title>hadoku-route status: ${runtime}</title>`);
    expect(html).toMatch(/id="provider-2">2<\/span><\/td><td><code>[^<]+<\/code><\/td><td><span class="open"/);
    expect(html).toContain('2 503');
    expect(html).not.toContain('status-test-key');
  });

  it.each([
    ['missing', {}],
    ['wrong', { 'x-admin-key': 'status-test-keY' }],
  ])('answers 401 and no data to a %s key', async (_what, headers) => {
    const res = await fetch(`${router.baseUrl}/_router/status?format=json`, { headers });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'unauthorized', header: 'X-Admin-Key' });
  });
});
