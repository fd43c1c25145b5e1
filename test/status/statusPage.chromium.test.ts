import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExpressRouter, type RunningRouter } from '../../functions/express/index.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';
import { CHROMIUM_PATH, hasChromium, openChromiumPage, type ChromiumPage } from '../../infra/hosts/headlessChromium.ts';

if (!hasChromium) {
  console.warn(`status page browser test SKIPPED: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM=/path)`);
}

/** The breaker cell of provider `id` as the browser rendered it. */
const breakerOf = (id: string) => `document.getElementById('provider-${id}').closest('tr').querySelector('[data-state]').dataset.state`;

/** Size and first paint of the loaded page, for the figures (no timed assertion). */
async function firstPaint(page: ChromiumPage): Promise<string> {
  const expression = "JSON.stringify(performance.getEntriesByType('paint').map((p) => [p.name, p.startTime]))";
  let paint: Array<[string, number]> = [];
  for (let i = 0; i < 20 && paint.length === 0; i++) {
    paint = JSON.parse(await page.evaluate<string>(expression));
    if (paint.length === 0) await new Promise((r) => setTimeout(r, 50));
  }
  const bytes = await page.evaluate<number>('document.documentElement.outerHTML.length');
  return `${bytes} chars; ${paint.map(([name, ms]) => `${name} ${ms.toFixed(1)} ms`).join(', ') || 'no paint entry'}`;
}

describe.skipIf(!hasChromium)('Status page in headless Chromium', () => {
  let one: Upstream;
  let two: Upstream;
  let router: RunningRouter;
  let page: ChromiumPage;

  beforeAll(async () => {
    [one, two] = [await startUpstream('one'), await startUpstream('two')];
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'hadoku-status-')), 'route-config.json');
    const key = 'Basic c3RhdHVzOmtleQ==';
    writeFileSync(
      file,
      JSON.stringify({
        routes: { task: { priority: '21' } },
        providers: { '1': one.url, '2': two.url },
        status_auth: { header: 'Authorization', value: key },
      }),
    );
    router = await startExpressRouter({ configPath: file, port: 0, env: {}, log: () => {}, configLog: () => {} });
    page = await openChromiumPage();
    // What a browser sends after its Basic prompt, on every load and every refresh.
    await page.setHeaders({ Authorization: key });
  });

  afterAll(async () => {
    await page?.close();
    await router?.close();
    await one?.close();
    await two?.close();
  });

  it('renders, refreshes itself and shows provider 2 going from closed to open, with no console errors', async () => {
    await page.goto(`${router.url}/_router/status`);
    console.log(`status page in Chromium: ${await firstPaint(page)}`);
    expect(await page.evaluate<string>('document.title')).toBe('hadoku-route status: express');
    expect(await page.evaluate<string>(breakerOf('2'))).toBe('closed');
    const lastProviderHeading = "document.getElementById('provider-1').closest('table').querySelector('th:last-child').textContent";
    expect(await page.evaluate<string>(lastProviderHeading)).toBe('shared health');

    two.set({ status: 503 });
    for (let i = 0; i < 3; i++) expect((await fetch(`${router.url}/task/api/hello`)).status).toBe(200);

    // No reload from the test: the page's own meta refresh (2 s) brings the new state.
    await page.nextLoad(10_000);
    expect(await page.evaluate<string>(breakerOf('2'))).toBe('open');
    expect(await page.evaluate<string>(breakerOf('1'))).toBe('closed');
    expect(await page.evaluate<string>("document.querySelector('h2:nth-of-type(3)').textContent")).toBe('Last 3 routed requests');

    expect(page.errors).toEqual([]);
  });

  it('collects console errors (so the empty list above means something)', async () => {
    const before = page.errors.length;
    await page.goto(`${router.url}/not-routed`);
    expect(page.errors.slice(before).join('\n')).toMatch(/404/);
  });

  it('shows a 401 and no data when the key is missing', async () => {
    await page.setHeaders({});
    const res = await fetch(`${router.url}/_router/status`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="hadoku-route status"');
    expect(await res.text()).not.toContain('provider-');
  });
});
