/**
 * Figures of the status page and the Prometheus metrics (issue 16). Nothing here asserts on time.
 *
 *   node bench/status.ts                       # Express router on loopback, 10k requests, then the figures
 *   node bench/status.ts --page-only URL ...   # page size and first paint of running routers (e.g. `npm start`'s)
 *
 * - page size: bytes of `GET /_router/status` with the recent-requests ring full;
 * - first paint: Chromium's `first-contentful-paint` of the page, median of warm navigations;
 * - scrape time: `GET /_router/metrics` after 10k routed requests were counted, median of 20.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startExpressRouter } from '../functions/express/index.ts';
import { startUpstream } from '../test/support/upstream.ts';
import { hasChromium, openChromiumPage } from '../test/status/headlessChromium.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Sends `total` GETs, `concurrency` at a time, over a few apps. */
async function traffic(base: string, total: number, concurrency: number): Promise<void> {
  let sent = 0;
  const apps = ['task', 'watchparty', 'other-app'];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < total) {
        const n = sent++;
        await (await fetch(`${base}/${apps[n % apps.length]}/api/items/${n % 50}`)).arrayBuffer();
      }
    }),
  );
}

async function pageFigures(url: string): Promise<void> {
  const res = await fetch(`${url}/_router/status`);
  const bytes = (await res.arrayBuffer()).byteLength;
  if (!hasChromium) return console.log(`${url}: status page ${bytes} B (${res.status}); first paint: skipped, no Chromium`);
  const page = await openChromiumPage();
  try {
    const paints: number[] = [];
    for (let i = 0; i < 6; i++) {
      await page.goto(`${url}/_router/status`);
      let fcp: number | null = null;
      for (let j = 0; j < 20 && fcp === null; j++) {
        fcp = await page.evaluate<number | null>("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null");
        if (fcp === null) await new Promise((r) => setTimeout(r, 50));
      }
      if (fcp !== null && i > 0) paints.push(fcp); // the first navigation warms the browser
    }
    const range = `min ${Math.min(...paints).toFixed(1)}, max ${Math.max(...paints).toFixed(1)}`;
    console.log(
      `${url}: status page ${bytes} B (${res.status}); first contentful paint median ${median(paints).toFixed(1)} ms ` +
        `(${paints.length} warm navigations, ${range}); console errors: ${page.errors.length}`,
    );
  } finally {
    await page.close();
  }
}

async function scrapeFigures(): Promise<void> {
  const one = await startUpstream('one');
  const two = await startUpstream('two');
  two.set((r) => (r.url.endsWith('/7') ? { status: 503 } : { status: 200, body: 'ok' }));
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'hadoku-bench-status-')), 'route-config.json');
  writeFileSync(
    file,
    JSON.stringify({
      global_priority: '21',
      routes: { task: { priority: '21' }, watchparty: { priority: '12' } },
      providers: { '1': one.url, '2': two.url },
      breaker: false,
    }),
  );
  const router = await startExpressRouter({ configPath: file, port: 0, env: {}, log: () => {}, configLog: () => {} });
  try {
    const started = performance.now();
    await traffic(router.url, 10_000, 16);
    console.log(`10000 requests routed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const times: number[] = [];
    let size = 0;
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const text = await (await fetch(`${router.url}/_router/metrics`)).text();
      times.push(performance.now() - t0);
      size = text.length;
    }
    const max = Math.max(...times).toFixed(2);
    console.log(`metrics scrape after 10k requests: median ${median(times).toFixed(2)} ms, max ${max} ms, ${size} B`);
    await pageFigures(router.url);
  } finally {
    await router.close();
    await one.close();
    await two.close();
  }
}

const pageOnly = process.argv.indexOf('--page-only');
if (pageOnly >= 0) {
  for (const url of process.argv.slice(pageOnly + 1)) await pageFigures(url.replace(/\/+$/, ''));
} else {
  await scrapeFigures();
}
