/**
 * Issue 15 figures: hedged fallback and gentle failback, measured on one Express router process
 * against two upstream processes, all on 127.0.0.1, with an open-loop load (a fixed request rate,
 * so a stalled request does not slow the arrivals the way a closed loop would).
 *
 *   node bench/hedging.ts            every phase (about three minutes)
 *   node bench/hedging.ts hang       one phase: hang | steady | slow | failback
 *
 * `npm run bench` runs every phase in a full run, and in a quick one with `--hedging`.
 *
 * Phases (each on a fresh router, so breakers start closed):
 * - hang: provider 1 never answers, provider 2 answers in ~5 ms; GET at 50 req/s for 10 s, hedging
 *   off, `hedge_after_ms: 100` and `"auto"`.
 * - steady: both providers healthy; hedging off, `"auto"` and `50`: extra upstream attempts per request.
 * - slow: provider 1 answers 25% of requests after 300 ms; hedging `"auto"` and `50` with the
 *   default 10% budget: the hedges the budget lets through (`50` would hedge a quarter without it).
 * - failback: provider 1 answers 503 for 20 s, then recovers; breaker cooldown 5 s; ramp
 *   `{ ramp_ms: 30000, start_share: 0.1 }`: provider 1's share of requests per 3 s after its
 *   breaker closed, against the ramp.
 *
 * Internal roles (spawned by this file): `node bench/hedging.ts upstream NAME`, `node bench/hedging.ts router CONFIG`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const RATE = 50;
const RUN_MS = 10_000;

/** How an upstream answers; switched at run time through `POST /_ctl/<mode>`. */
type Mode = 'ok' | 'hang' | 'fail' | 'slow';

/** An upstream process: answers `{ upstream: NAME }` after ~5 ms, or hangs, fails (503), or is slow (25% at 300 ms). */
function upstreamRole(name: string): void {
  let mode: Mode = 'ok';
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/_ctl/')) {
      mode = req.url.slice(6) as Mode;
      return void res.end('ok');
    }
    if (mode === 'hang') return;
    const status = mode === 'fail' ? 503 : 200;
    const delay = mode === 'slow' && Math.random() < 0.25 ? 300 : 5;
    setTimeout(() => {
      const body = JSON.stringify({ upstream: name });
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    }, delay);
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port));
  process.on('SIGTERM', () => process.exit(0));
}

/** The Express router as its own process, log lines dropped (the figures come from the answers' headers). */
async function routerRole(configPath: string): Promise<void> {
  const { startExpressRouter } = await import('../functions/express/server.ts');
  const router = await startExpressRouter({ configPath, port: 0, log: () => {} });
  console.log(router.url);
  process.on('SIGTERM', () => void router.close().then(() => process.exit(0)));
}

/** Starts `node bench/hedging.ts ...args` and resolves with its first stdout line. */
function child(args: string[]): Promise<{ proc: ChildProcess; line: string }> {
  const proc = spawn(process.execPath, [SELF, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve({ proc, line: out.split('\n')[0]!.trim() });
    });
    proc.on('exit', (code) => reject(new Error(`bench child ${args.join(' ')} exited with ${code}`)));
  });
}

/** One answered (or failed) request of the load. */
interface Sample {
  at: number;
  ms: number;
  status: number;
  attempts: number;
  upstream: string | null;
}

/** Open-loop GETs at `rate` per second for `ms`, each on a keep-alive socket. */
async function openLoop(url: string, rate: number, ms: number): Promise<Sample[]> {
  const agent = new http.Agent({ keepAlive: true });
  const samples: Sample[] = [];
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < (rate * ms) / 1000; i++) {
    const due = started + (i * 1000) / rate;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    pending.push(
      new Promise<void>((resolve) => {
        const t0 = performance.now();
        const req = http.get(url, { agent }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => {
            const upstream = res.statusCode === 200 ? ((JSON.parse(text) as { upstream?: string }).upstream ?? null) : null;
            const attempts = Number(res.headers['x-route-attempts'] ?? 0);
            samples.push({ at: t0 - started, ms: performance.now() - t0, status: res.statusCode ?? 0, attempts, upstream });
            resolve();
          });
        });
        req.on('error', () => {
          samples.push({ at: t0 - started, ms: performance.now() - t0, status: 0, attempts: 0, upstream: null });
          resolve();
        });
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  return samples.sort((a, b) => a.at - b.at);
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
};

/** p50/p99/max, failures and attempts of one run, as a table row. */
function summary(label: string, samples: Sample[]): Record<string, string | number> {
  const ms = samples.map((s) => s.ms);
  const attempts = samples.reduce((n, s) => n + s.attempts, 0);
  return {
    run: label,
    requests: samples.length,
    failed: samples.filter((s) => s.status !== 200).length,
    p50_ms: Math.round(pct(ms, 50)),
    p99_ms: Math.round(pct(ms, 99)),
    max_ms: Math.round(Math.max(...ms)),
    attempts_per_req: +(attempts / samples.length).toFixed(3),
    extra_attempts: attempts - samples.length,
    extra_share: +((attempts - samples.length) / samples.length).toFixed(3),
  };
}

/** Two upstreams and a fresh router over `config`; `run` gets the route URL and a way to switch provider 1's mode. */
async function withWorld<T>(
  config: Record<string, unknown>,
  modes: [Mode, Mode],
  run: (url: string, setOne: (m: Mode) => Promise<void>) => Promise<T>,
): Promise<T> {
  const [one, two] = await Promise.all([child(['upstream', 'one']), child(['upstream', 'two'])]);
  const procs = [one.proc, two.proc];
  try {
    const base = (port: string) => `http://127.0.0.1:${port}`;
    const ctl = (port: string, mode: Mode) =>
      fetch(`${base(port)}/_ctl/${mode}`, { method: 'POST' })
        .then((r) => r.text())
        .then(() => {});
    await Promise.all([ctl(one.line, modes[0]), ctl(two.line, modes[1])]);
    const dir = mkdtempSync(path.join(tmpdir(), 'hedge-bench-'));
    const file = path.join(dir, 'route-config.json');
    const providers = { '1': base(one.line), '2': base(two.line) };
    writeFileSync(file, JSON.stringify({ providers, routes: { app: { priority: '12' } }, ...config }));
    const router = await child(['router', file]);
    procs.push(router.proc);
    await fetch(`${router.line}/app/api/warm`).then((r) => r.text());
    return await run(`${router.line}/app/api/items`, (m) => ctl(one.line, m));
  } finally {
    for (const p of procs) p.kill('SIGTERM');
  }
}

async function hangPhase(): Promise<void> {
  console.log(`\n## hang: provider 1 hangs, fresh router (breaker closed), GET ${RATE} req/s for ${RUN_MS / 1000} s, timeout_ms 2500`);
  const rows = [];
  for (const [label, hedge] of [
    ['hedging off', undefined],
    ['hedge_after_ms 100', 100],
    ['hedge_after_ms auto', 'auto'],
  ] as const) {
    const samples = await withWorld({ hedge_after_ms: hedge }, ['hang', 'ok'], (url) => openLoop(url, RATE, RUN_MS));
    rows.push(summary(label, samples));
  }
  console.table(rows);
  console.log('target (hedging on): p99 <= hedge delay + provider-2 latency + 50 ms; zero failed');
}

async function steadyPhase(mode: Mode, title: string): Promise<void> {
  console.log(`\n## ${title}`);
  const rows = [];
  const runs = [
    ['hedging off', undefined],
    ['hedge_after_ms auto (budget 0.1)', 'auto'],
    ['hedge_after_ms 50 (budget 0.1)', 50],
  ] as const;
  for (const [label, hedge] of runs) {
    const samples = await withWorld({ hedge_after_ms: hedge }, [mode, 'ok'], (url) => openLoop(url, RATE, RUN_MS));
    rows.push(summary(label, samples));
  }
  console.table(rows);
  const bound = 0.1 * (RATE * (RUN_MS / 1000) + 1) + 10;
  console.log(`budget: extra attempts <= 0.1 x requests + a burst of 10 = ${bound} (warm-up request included)`);
}

async function failbackPhase(): Promise<void> {
  const RAMP = { ramp_ms: 30_000, start_share: 0.1 };
  console.log(
    `\n## failback: provider 1 answers 503 for 20 s, then recovers; breaker { failures: 3, cooldown_ms: 5000 }, ` +
      `failback ${JSON.stringify(RAMP)}, ${RATE} req/s`,
  );
  const config = { breaker: { failures: 3, cooldown_ms: 5000 }, failback: RAMP };
  const samples = await withWorld(config, ['fail', 'ok'], async (url, setOne) => {
    const load = openLoop(url, RATE, 20_000 + 5_000 + RAMP.ramp_ms + 3_000);
    await new Promise((r) => setTimeout(r, 20_000));
    await setOne('ok');
    return load;
  });
  const recovered = samples.find((s) => s.at > 20_000 && s.upstream === 'one')?.at;
  if (recovered === undefined) return void console.log('provider 1 never served a request after it returned');
  console.log(`provider 1 returned at 20.0 s; its breaker closed (first answer) at ${(recovered / 1000).toFixed(1)} s`);
  const rows = [];
  for (let from = 0; from < RAMP.ramp_ms; from += 3000) {
    const bucket = samples.filter((s) => s.at > recovered && s.at - recovered >= from && s.at - recovered < from + 3000);
    const mid = from + 1500;
    const expected = RAMP.start_share + (1 - RAMP.start_share) * (mid / RAMP.ramp_ms);
    const share = bucket.filter((s) => s.upstream === 'one').length / bucket.length;
    const window = `${from / 1000}-${(from + 3000) / 1000}`;
    const round = (x: number) => +x.toFixed(3);
    rows.push({ window_s: window, requests: bucket.length, p1_share: round(share), ramp: round(expected), diff: round(share - expected) });
  }
  console.table(rows);
  console.table([summary('whole failback run', samples)]);
}

const PHASES: Record<string, () => Promise<void>> = {
  hang: hangPhase,
  steady: () => steadyPhase('ok', `steady: both providers healthy (~5 ms), GET ${RATE} req/s for ${RUN_MS / 1000} s`),
  slow: () => steadyPhase('slow', `slow: provider 1 answers 25% of requests after 300 ms, GET ${RATE} req/s for ${RUN_MS / 1000} s`),
  failback: failbackPhase,
};

/**
 * Prints the hedging and failback figures of every phase (or of the named ones), each phase on
 * fresh processes. Open-loop load at a fixed rate, so a phase takes its wall time whatever the machine.
 *
 * @example
 * await benchHedging(['hang']);
 */
export async function benchHedging(phases: string[] = Object.keys(PHASES)): Promise<void> {
  console.log('\n# Hedged fallback and gentle failback (issue 15: Express router, two upstream processes, open-loop load)');
  for (const [name, phase] of Object.entries(PHASES)) if (phases.includes(name)) await phase();
}

// Run as a script, or as one of its own child roles; imported by run.ts, nothing runs here.
if (process.argv[1] === SELF) {
  const [role, arg] = process.argv.slice(2);
  if (role === 'upstream') upstreamRole(arg ?? 'upstream');
  else if (role === 'router') await routerRole(arg!);
  else {
    await benchHedging(role ? [role] : undefined);
    process.exit(0);
  }
}
