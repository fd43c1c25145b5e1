import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serveWorker } from '../infra/hosts/worker.ts';
import { autocannon } from './autocannon.ts';
import { startProcess, stopProcess } from './processes.ts';
import { workerBundle } from '../infra/package/wranglerBundle.ts';

const here = path.dirname(new URL(import.meta.url).pathname);
const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

/**
 * The Worker's figures: bundle size (the real `wrangler deploy --dry-run`), local start time,
 * config edit -> served latency under `serve --runtime worker`, and routed vs direct on loopback.
 * Local workerd adds ~100x overhead (TOOLCHAIN.md): its req/s proves behaviour under load, it is
 * not a production throughput figure.
 */
export async function benchWorker(opts: { quick: boolean }): Promise<void> {
  const bundle = await workerBundle(path.resolve(here, '..'));
  console.log('\n## Worker bundle (wrangler deploy --dry-run, offline)');
  console.log(
    bundle.error === null
      ? `${bundle.wranglerLine}; index.js ${bundle.rawBytes} B, gzip -9 ${bundle.gzipBytes} B (goal <= 15 KB gzipped)`
      : `build failed: ${bundle.error}`,
  );

  const upstream = await startProcess([path.join(here, 'upstreamProcess.ts')], /^(\d+)$/m);
  const upUrl = `http://127.0.0.1:${upstream.match[1]}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'hadoku-bench-worker-'));
  const configPath = path.join(dir, 'route-config.json');
  const config = (priority: string) => JSON.stringify({ providers: { '1': '${LOCAL_BASE}', '2': upUrl }, global_priority: priority });
  writeFileSync(configPath, config('1'));
  let routedLines = 0;
  const started = performance.now();
  const server = await serveWorker({
    configPath,
    port: 0,
    host: '127.0.0.1',
    env: { LOCAL_BASE: upUrl, ROUTE_CONFIG_MAX_AGE: '1' },
    log: (line) => void (line.msg === 'routed' && routedLines++),
  });
  const startMs = performance.now() - started;
  try {
    console.log(`\n## Worker under serve (Miniflare 5 / local workerd)`);
    console.log(`start (esbuild bundle + workerd + KV put + first answer): ${startMs.toFixed(0)} ms`);

    // Edit -> served: how long until /_config/route shows the new version (ROUTE_CONFIG_MAX_AGE 1 s).
    const edits: number[] = [];
    for (const priority of ['12', '21', '1']) {
      const before = ((await (await fetch(`${server.url}/_config/route`)).json()) as { version: string }).version;
      const t0 = performance.now();
      writeFileSync(configPath, config(priority));
      // Bounded: at most 100 polls of 50 ms.
      for (let i = 0; i < 100; i++) {
        const now = ((await (await fetch(`${server.url}/_config/route`)).json()) as { version: string }).version;
        if (now !== before) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      edits.push(performance.now() - t0);
    }
    console.log(
      `config edit -> served: ${edits.map((ms) => ms.toFixed(0)).join(', ')} ms (SPEC: within ROUTE_CONFIG_MAX_AGE + 1 s = 2000 ms)`,
    );

    const seconds = opts.quick ? 2 : 5;
    await autocannon(`${server.url}/task/api/items`, { connections: 32, seconds: 1 });
    const d = await autocannon(`${upUrl}/task/api/items`, { connections: 32, seconds });
    const r = await autocannon(`${server.url}/task/api/items`, { connections: 32, seconds });
    console.log(`| path (autocannon, 32 connections, ${seconds} s) | req/s | p50 ms | p99 ms | non-2xx + errors |`);
    console.log('|---|---|---|---|---|');
    console.log(`| direct | ${d.rps.toFixed(0)} | ${fmt(d.p50)} | ${fmt(d.p99)} | ${d.bad} |`);
    console.log(`| local Worker | ${r.rps.toFixed(0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.bad} |`);
    console.log(`routed log lines seen: ${routedLines} (one per routed request)`);
  } finally {
    await server.close();
    await stopProcess(upstream.child);
  }
}
