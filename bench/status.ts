/**
 * Figures of the status page and the Prometheus metrics (issue 16). Nothing here asserts on time.
 *
 *   node bench/status.ts [--quick]             # Express router on loopback, 10k (quick: 2k) requests, then the figures
 *   node bench/status.ts --page-only URL ...   # page size and first paint of running routers (e.g. `npm start`'s)
 *
 * - page size: bytes of `GET /_router/status` with the recent-requests ring full;
 * - first paint: Chromium's `first-contentful-paint` of the page, median of warm navigations;
 * - scrape time: `GET /_router/metrics` after 10k (quick: 2k) routed requests were counted, median of 20.
 *
 * `npm run bench` prints these in a full run, and in a quick one with `--status`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startExpressRouter } from '../functions/express/index.ts';
import { hasChromium, openChromiumPage } from '../infra/hosts/headlessChromium.ts';

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

/** A provider on 127.0.0.1 answering `ok`; with `failSeven`, 503 for paths ending in `/7` (so some requests fall back). */
async function provider(failSeven: boolean): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (failSeven && req.url?.endsWith('/7')) res.writeHead(503).end('down');
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Prints the status figures: `requests` routed GETs through an Express router on loopback, then
 * the metrics scrape time and the status page's size and first paint (skipped without Chromium).
 *
 * @example
 * await benchStatus({ quick: true }); // 2,000 requests, for `npm run bench -- --quick --status`
 */
export async function benchStatus(opts: { quick: boolean }): Promise<void> {
  const requests = opts.quick ? 2000 : 10_000;
  console.log(`\n## Status page and metrics (Express router on loopback, after ${requests} routed requests)`);
  const one = await provider(false);
  const two = await provider(true);
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
    await traffic(router.url, requests, 16);
    console.log(`${requests} requests routed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const times: number[] = [];
    let size = 0;
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const text = await (await fetch(`${router.url}/_router/metrics`)).text();
      times.push(performance.now() - t0);
      size = text.length;
    }
    const max = Math.max(...times).toFixed(2);
    console.log(`metrics scrape after ${requests} requests: median ${median(times).toFixed(2)} ms, max ${max} ms, ${size} B`);
    await pageFigures(router.url);
  } finally {
    await router.close();
    await one.close();
    await two.close();
  }
}

// Run as a script (not imported by run.ts): every figure, or the page figures of running routers.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const pageOnly = process.argv.indexOf('--page-only');
  if (pageOnly >= 0) {
    for (const url of process.argv.slice(pageOnly + 1)) await pageFigures(url.replace(/\/+$/, ''));
  } else {
    await benchStatus({ quick: process.argv.includes('--quick') });
  }
}
