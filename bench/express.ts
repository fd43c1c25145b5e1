import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { autocannon, type LoadRun } from './autocannon.ts';
import { load, percentile } from './loadgen.ts';
import { residentMb, startProcess, stopProcess } from './processes.ts';

const here = path.dirname(new URL(import.meta.url).pathname);
const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const ready = /listening on (http:\S+)/;
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

/** Options of {@link benchProxies}. */
export interface ProxyBenchOptions {
  /** Seconds per load run. */
  seconds: number;
  /** Alternating rounds per concurrency. */
  rounds: number;
  /** Concurrencies (connections) to measure at. */
  concurrencies: number[];
  /** Connections of the memory run. */
  memoryConnections: number;
}

type Target = 'direct' | 'ceiling' | 'floor' | 'seed' | 'router';
const LABELS: Record<Target, string> = {
  direct: 'direct (no proxy)',
  ceiling: 'Node ceiling (undici Pool pipe)',
  floor: 'Fetch-shaped floor (our adapter + transport, no core)',
  seed: 'seed stack (Express 5 + http-proxy-middleware)',
  router: 'hadoku-route, Express runtime',
};

/**
 * Direct, the Node ceiling, the seed's stack and our Express router, side by side in one run, each
 * a GET proxied to one healthy provider on loopback with autocannon as the load generator in its
 * own process; request logs go to files. Ratios first, absolutes second; then peak RSS at
 * `memoryConnections` and the hanging-first-provider case. Figures, not assertions.
 */
export async function benchProxies(opts: ProxyBenchOptions): Promise<void> {
  // Configs and logs in separate folders: the config watcher sees every change in its folder, and
  // a log file written beside the config would cost the router a directory scan per write.
  const dir = mkdtempSync(path.join(tmpdir(), 'hadoku-bench-'));
  const logs = mkdtempSync(path.join(tmpdir(), 'hadoku-bench-logs-'));
  const upstream = await startProcess([path.join(here, 'upstreamProcess.ts')], /^(\d+)$/m);
  const upPort = upstream.match[1]!;
  const plain = path.join(dir, 'plain.json');
  writeFileSync(plain, JSON.stringify({ providers: { '1': `http://127.0.0.1:${upPort}` }, global_priority: '1' }));
  const [ceiling, floor, seed, router] = await Promise.all([
    startProcess([path.join(here, 'ceilingProcess.ts'), upPort], ready),
    startProcess([path.join(here, 'floorProcess.ts'), upPort], ready),
    startProcess([path.join(here, 'seedProcess.ts'), upPort, path.join(logs, 'seed.log')], ready),
    startProcess([path.join(here, 'routerProcess.ts'), plain, path.join(logs, 'router.log')], ready),
  ]);
  const urls: Record<Target, string> = {
    direct: `http://127.0.0.1:${upPort}/task/api/items`,
    ceiling: `${ceiling.match[1]}/task/api/items`,
    floor: `${floor.match[1]}/task/api/items`,
    seed: `${seed.match[1]}/task/api/items`,
    router: `${router.match[1]}/task/api/items`,
  };
  const targets = Object.keys(urls) as Target[];
  const pids: Record<Target, number> = {
    direct: upstream.child.pid!,
    ceiling: ceiling.child.pid!,
    floor: floor.child.pid!,
    seed: seed.child.pid!,
    router: router.child.pid!,
  };
  try {
    // Warm every path (JIT, keep-alive sockets) before measuring: the router's longer path needs
    // about two seconds of load before its first round stops paying for compilation.
    for (const t of targets) await autocannon(urls[t], { connections: 32, seconds: 2 });
    const runs = new Map<string, LoadRun[]>();
    for (const c of opts.concurrencies) {
      for (let round = 0; round < opts.rounds; round++) {
        for (const t of targets) {
          const key = `${c}/${t}`;
          runs.set(key, [...(runs.get(key) ?? []), await autocannon(urls[t], { connections: c, seconds: opts.seconds, pid: pids[t] })]);
        }
      }
    }
    printRatios(runs, opts);
    printAbsolutes(runs, opts, targets);
    await printMemory(router.child.pid!, urls.router, opts.memoryConnections);
  } finally {
    await Promise.all([upstream, ceiling, floor, seed, router].map((p) => stopProcess(p.child)));
  }
  await benchHangingProvider(dir, logs, opts.seconds >= 5 ? 5 : 2);
}

function printRatios(runs: Map<string, LoadRun[]>, opts: ProxyBenchOptions): void {
  const get = (c: number, t: Target) => runs.get(`${c}/${t}`)!;
  const each = (c: number, f: (i: number) => string) =>
    get(c, 'router')
      .map((_, i) => f(i))
      .join(', ');
  console.log(
    `\n## Routed GET, one healthy provider (loopback, autocannon in its own process, ${opts.seconds} s runs, ${opts.rounds} round(s) alternating)`,
  );
  console.log(
    "req/s ratios move with whatever else the machine runs; the CPU-per-answer ratios (each proxy process's own CPU time / its answers) move less.",
  );
  console.log(
    row([
      'connections',
      'router / Node ceiling, req/s (goal >= 0.9)',
      'router / seed stack, req/s (goal >= 3)',
      'Fetch-shaped floor / Node ceiling, req/s',
      'router / Fetch-shaped floor, req/s',
      'CPU per answer: ceiling / router',
      'CPU per answer: floor / router',
      'CPU per answer: seed / router',
      'added p50 over direct, ms (goal <= 1 at c=32)',
      'added mean latency, ms',
    ]),
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const c of opts.concurrencies) {
    const r = get(c, 'router');
    const ratio = (t: Target) => each(c, (i) => fmt(r[i]!.rps / get(c, t)[i]!.rps));
    const added = each(c, (i) => fmt(r[i]!.p50 - get(c, 'direct')[i]!.p50, 0));
    const mean = each(c, (i) => fmt(r[i]!.mean - get(c, 'direct')[i]!.mean));
    const cpu = (t: Target) => each(c, (i) => fmt(get(c, t)[i]!.cpuUs / r[i]!.cpuUs));
    const floorOfCeiling = each(c, (i) => fmt(get(c, 'floor')[i]!.rps / get(c, 'ceiling')[i]!.rps));
    console.log(
      `| ${c} | ${ratio('ceiling')} | ${ratio('seed')} | ${floorOfCeiling} | ${ratio('floor')} | ${cpu('ceiling')} | ${cpu('floor')} | ${cpu('seed')} | ${added} | ${mean} |`,
    );
  }
}

function printAbsolutes(runs: Map<string, LoadRun[]>, opts: ProxyBenchOptions, targets: Target[]): void {
  console.log('\n| connections | path | req/s | p50 ms | p99 ms | mean ms | CPU us per answer (that process) | non-2xx + errors |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const c of opts.concurrencies) {
    for (const t of targets) {
      const list = runs.get(`${c}/${t}`)!;
      const col = (f: (r: LoadRun) => string) => list.map(f).join(', ');
      console.log(
        row([
          String(c),
          LABELS[t],
          col((r) => fmt(r.rps, 0)),
          col((r) => fmt(r.p50, 0)),
          col((r) => fmt(r.p99, 0)),
          col((r) => fmt(r.mean)),
          col((r) => fmt(r.cpuUs, 0)),
          col((r) => String(r.bad)),
        ]),
      );
    }
  }
}

async function printMemory(pid: number, url: string, connections: number): Promise<void> {
  const before = residentMb(pid);
  const r = await autocannon(url, { connections, seconds: 2 });
  const after = residentMb(pid);
  console.log(
    `\nRouter process memory at ${connections} concurrent connections (2 s, ${fmt(r.rps, 0)} req/s, ${r.bad} non-2xx/errors): ` +
      `peak RSS ${fmt(after.peak, 0)} MB over the whole run (goal <= 256 MB); RSS before ${fmt(before.now, 0)} MB, after ${fmt(after.now, 0)} MB`,
  );
}

/** Hanging first provider: how many requests pay the timeout before the breaker opens? */
async function benchHangingProvider(dir: string, logs: string, seconds: number): Promise<void> {
  const [upstream, hanging] = await Promise.all([
    startProcess([path.join(here, 'upstreamProcess.ts')], /^(\d+)$/m),
    startProcess([path.join(here, 'upstreamProcess.ts'), 'hang'], /^(\d+)$/m),
  ]);
  const breaker = { failures: 3, cooldown_ms: 2000 };
  const config = path.join(dir, 'hang.json');
  const providers = { '1': `http://127.0.0.1:${hanging.match[1]}`, '2': `http://127.0.0.1:${upstream.match[1]}` };
  writeFileSync(config, JSON.stringify({ providers, global_priority: '12', timeout_ms: 200, breaker }));
  const router = await startProcess([path.join(here, 'routerProcess.ts'), config, path.join(logs, 'hang.log')], ready);
  try {
    const run = await load({ url: `${router.match[1]}/task/api/items`, concurrency: 8, maxRequests: 100_000, maxMs: seconds * 1000 });
    const paidTimeout = (s: (typeof run.samples)[number]) => String(s.headers['server-timing'] ?? '').includes('"1 timeout"');
    const firstOk = run.samples.findIndex((s) => !paidTimeout(s));
    const after = run.samples.slice(Math.max(0, firstOk)).map((s) => s.ms);
    const cooldowns = Math.max(1, Math.ceil(run.elapsedMs / breaker.cooldown_ms));
    console.log(
      `\n## Hanging first provider (timeout_ms 200, breaker ${breaker.failures} failures / ${breaker.cooldown_ms} ms cooldown, concurrency 8, ${(run.elapsedMs / 1000).toFixed(1)} s)`,
    );
    console.log(`requests: ${run.samples.length}, non-200: ${run.samples.filter((s) => s.status !== 200).length}`);
    console.log(
      `paid the timeout: ${run.samples.filter(paidTimeout).length} over ~${cooldowns} cooldown period(s); bound = (failures + in flight) per cooldown = ${(breaker.failures + 8) * cooldowns}`,
    );
    console.log(`after the breaker opened: p50 ${fmt(percentile(after, 50))} ms, p99 ${fmt(percentile(after, 99))} ms`);
  } finally {
    await Promise.all([upstream, hanging, router].map((p) => stopProcess(p.child)));
  }
}
