import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { autocannon } from './autocannon.ts';
import { startProcess, stopProcess } from './processes.ts';

const here = path.dirname(new URL(import.meta.url).pathname);
const ready = /listening on (http:\S+)/;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * The Express runtime over its two Node transports, side by side: undici's pools (the default,
 * `createPoolTransport`) and `http.request` with keep-alive agents (`createHttpTransport`, the
 * Lambda's). The same router and upstream, rounds alternating, CPU per answer of each router
 * process; the median of the rounds, since the first rounds of each are colder.
 */
export async function benchTransports(opts: { rounds: number; seconds: number; connections: number }): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hadoku-bench-transport-'));
  const logs = mkdtempSync(path.join(tmpdir(), 'hadoku-bench-transport-logs-'));
  const upstream = await startProcess([path.join(here, 'upstreamProcess.ts')], /^(\d+)$/m);
  const config = path.join(dir, 'plain.json');
  writeFileSync(config, JSON.stringify({ providers: { '1': `http://127.0.0.1:${upstream.match[1]}` }, global_priority: '1' }));
  const start = (transport: string) =>
    startProcess([path.join(here, 'routerProcess.ts'), config, path.join(logs, `${transport}.log`)], ready, {
      ...process.env,
      BENCH_TRANSPORT: transport,
    });
  const routers = { pool: await start('pool'), http: await start('http') };
  try {
    const cpu: Record<keyof typeof routers, number[]> = { pool: [], http: [] };
    for (const name of ['pool', 'http'] as const)
      await autocannon(`${routers[name].match[1]}/task/api/items`, { connections: 32, seconds: 1 });
    for (let round = 0; round < opts.rounds; round++) {
      for (const name of ['pool', 'http'] as const) {
        const run = await autocannon(`${routers[name].match[1]}/task/api/items`, {
          connections: opts.connections,
          seconds: opts.seconds,
          pid: routers[name].child.pid!,
        });
        cpu[name].push(run.cpuUs);
      }
    }
    console.log(
      `\n## Express runtime, transport compared (c=${opts.connections}, ${opts.rounds} alternating ${opts.seconds} s rounds, CPU us per answer of the router process)`,
    );
    console.log('| transport | each round | median |');
    console.log('|---|---|---|');
    console.log(
      `| undici pools (createPoolTransport, the default) | ${cpu.pool.map((v) => v.toFixed(0)).join(', ')} | ${median(cpu.pool).toFixed(0)} |`,
    );
    console.log(
      `| http.request + keep-alive agents (createHttpTransport) | ${cpu.http.map((v) => v.toFixed(0)).join(', ')} | ${median(cpu.http).toFixed(0)} |`,
    );
    console.log(`ratio pool / http (median): ${(median(cpu.pool) / median(cpu.http)).toFixed(2)}`);
  } finally {
    await Promise.all([upstream, routers.pool, routers.http].map((p) => stopProcess(p.child)));
  }
}
