import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { cpuMs } from './processes.ts';

const run = promisify(execFile);
const cli = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'node_modules', 'autocannon', 'autocannon.js');

/** One load run as autocannon measured it. */
export interface LoadRun {
  /** Answers per second over the whole run. */
  rps: number;
  /** Latency percentiles, ms (autocannon records whole milliseconds). */
  p50: number;
  p99: number;
  /** Mean latency, ms (two decimals: finer than the percentiles). */
  mean: number;
  /** Answers other than 2xx, plus connection errors and timeouts. */
  bad: number;
  requests: number;
  /** CPU time of the measured process per answer, us (when a pid was given): steady on a shared machine, unlike req/s. */
  cpuUs: number;
}

/**
 * Drives `url` with autocannon in its own process (so the load generator never shares an event
 * loop or a core's worth of JIT with what it measures), closed loop over keep-alive connections.
 *
 * @example
 * const r = await autocannon('http://127.0.0.1:8787/task/api/items', { connections: 32, seconds: 5, pid: router.pid });
 */
export async function autocannon(url: string, opts: { connections: number; seconds: number; pid?: number }): Promise<LoadRun> {
  const args = [cli, '-j', '-c', String(opts.connections), '-d', String(opts.seconds), '-t', '10', url];
  const cpuBefore = opts.pid === undefined ? 0 : cpuMs(opts.pid);
  const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  const j = JSON.parse(stdout) as {
    requests: { total: number };
    latency: { p50: number; p99: number; mean: number };
    duration: number;
    non2xx: number;
    errors: number;
    timeouts: number;
  };
  return {
    rps: j.requests.total / j.duration,
    p50: j.latency.p50,
    p99: j.latency.p99,
    mean: j.latency.mean,
    bad: j.non2xx + j.errors + j.timeouts,
    requests: j.requests.total,
    cpuUs: opts.pid === undefined ? Number.NaN : ((cpuMs(opts.pid) - cpuBefore) * 1000) / Math.max(1, j.requests.total),
  };
}
