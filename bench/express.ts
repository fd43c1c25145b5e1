import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load, percentile, type Sample } from './loadgen.ts';
import { startProcess, stopProcess } from './processes.ts';

const here = path.dirname(new URL(import.meta.url).pathname);
const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

function summary(samples: Sample[], elapsedMs: number) {
  const ms = samples.map((s) => s.ms);
  return { n: samples.length, rps: samples.length / (elapsedMs / 1000), p50: percentile(ms, 50), p99: percentile(ms, 99), errors: samples.filter((s) => s.status !== 200).length };
}

/**
 * Router vs direct on loopback, side by side in one run, plus the hanging-first-provider case.
 * Figures, not assertions: these machines are shared and noisy.
 */
export async function benchExpress(opts: { concurrency: number; requests: number; maxMs: number }): Promise<void> {
  const upstream = await startProcess([path.join(here, 'upstreamProcess.ts')], /^(\d+)$/m);
  const hanging = await startProcess([path.join(here, 'upstreamProcess.ts'), 'hang'], /^(\d+)$/m);
  const upUrl = `http://127.0.0.1:${upstream.match[1]}`;
  const hangUrl = `http://127.0.0.1:${hanging.match[1]}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'hadoku-bench-'));
  const plain = path.join(dir, 'plain.json');
  writeFileSync(plain, JSON.stringify({ providers: { '1': upUrl }, global_priority: '1' }));
  const breakerCfg = { failures: 3, cooldown_ms: 2000 };
  const hangCfg = path.join(dir, 'hang.json');
  writeFileSync(hangCfg, JSON.stringify({ providers: { '1': hangUrl, '2': upUrl }, global_priority: '12', timeout_ms: 200, breaker: breakerCfg }));
  const router = await startProcess([path.join(here, 'routerProcess.ts'), plain], /listening on (http:\S+)/);
  const pipe = await startProcess([path.join(here, 'barePipeProcess.ts'), upstream.match[1]], /listening on (http:\S+)/);
  const hangRouter = await startProcess([path.join(here, 'routerProcess.ts'), hangCfg], /listening on (http:\S+)/);
  try {
    // Warm both paths (JIT, keep-alive sockets) before measuring.
    await load({ url: `${upUrl}/task/api/items`, concurrency: opts.concurrency, maxRequests: 500, maxMs: 3000 });
    await load({ url: `${router.match[1]}/task/api/items`, concurrency: opts.concurrency, maxRequests: 500, maxMs: 3000 });
    await load({ url: `${pipe.match[1]}/task/api/items`, concurrency: opts.concurrency, maxRequests: 500, maxMs: 3000 });
    const rounds: Array<{ direct: ReturnType<typeof summary>; routed: ReturnType<typeof summary>; pipe: ReturnType<typeof summary> }> = [];
    for (let round = 0; round < 2; round++) {
      const d = await load({ url: `${upUrl}/task/api/items`, concurrency: opts.concurrency, maxRequests: opts.requests, maxMs: opts.maxMs });
      const r = await load({ url: `${router.match[1]}/task/api/items`, concurrency: opts.concurrency, maxRequests: opts.requests, maxMs: opts.maxMs });
      const p = await load({ url: `${pipe.match[1]}/task/api/items`, concurrency: opts.concurrency, maxRequests: opts.requests, maxMs: opts.maxMs });
      rounds.push({ direct: summary(d.samples, d.elapsedMs), routed: summary(r.samples, r.elapsedMs), pipe: summary(p.samples, p.elapsedMs) });
    }
    console.log(`\n## Express router vs direct (loopback, concurrency ${opts.concurrency}, ${opts.requests} requests per run, 2 alternating rounds)`);
    console.log('| round | path | requests | req/s | p50 ms | p99 ms | non-200 |');
    console.log('|---|---|---|---|---|---|---|');
    rounds.forEach(({ direct, routed, pipe: bare }, i) => {
      for (const [name, s] of [['direct', direct], ['router', routed], ['bare pipe (reference)', bare]] as const) {
        console.log(`| ${i + 1} | ${name} | ${s.n} | ${s.rps.toFixed(0)} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${s.errors} |`);
      }
    });
    console.log(`throughput ratio router/direct: ${rounds.map((r) => (r.routed.rps / r.direct.rps).toFixed(2)).join(', ')} (goal >= 0.5)`);
    console.log(`reference: bare http.request pipe/direct: ${rounds.map((r) => (r.pipe.rps / r.direct.rps).toFixed(2)).join(', ')}; router/bare pipe: ${rounds.map((r) => (r.routed.rps / r.pipe.rps).toFixed(2)).join(', ')}`);
    console.log(`added p50: ${rounds.map((r) => fmt(r.routed.p50 - r.direct.p50)).join(', ')} ms (goal <= 1 ms)`);

    // Hanging first provider: how many requests pay the timeout before the breaker opens?
    const hangRun = await load({ url: `${hangRouter.match[1]}/task/api/items`, concurrency: 8, maxRequests: 100_000, maxMs: 5000 });
    const paid = hangRun.samples.filter((s) => String(s.headers['server-timing'] ?? '').includes('"1 timeout"'));
    const firstOk = hangRun.samples.findIndex((s) => !String(s.headers['server-timing'] ?? '').includes('"1 timeout"'));
    const after = hangRun.samples.slice(Math.max(0, firstOk));
    const cooldowns = Math.max(1, Math.ceil(hangRun.elapsedMs / breakerCfg.cooldown_ms));
    console.log(`\n## Hanging first provider (timeout_ms 200, breaker ${breakerCfg.failures} failures / ${breakerCfg.cooldown_ms} ms cooldown, concurrency 8, ${(hangRun.elapsedMs / 1000).toFixed(1)} s)`);
    console.log(`requests: ${hangRun.samples.length}, non-200: ${hangRun.samples.filter((s) => s.status !== 200).length}`);
    console.log(`paid the timeout: ${paid.length} over ~${cooldowns} cooldown period(s); bound = (failures + in flight) per cooldown = ${(breakerCfg.failures + 8) * cooldowns}`);
    console.log(`after the breaker opened: p50 ${fmt(percentile(after.map((s) => s.ms), 50))} ms, p99 ${fmt(percentile(after.map((s) => s.ms), 99))} ms`);
  } finally {
    await Promise.all([upstream, hanging, router, hangRouter, pipe].map((p) => stopProcess(p.child)));
  }
}
