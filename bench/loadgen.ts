import http from 'node:http';

/** One measured request. */
export interface Sample {
  ms: number;
  status: number;
  headers: http.IncomingHttpHeaders;
}

/** Options of {@link load}. */
export interface LoadOptions {
  url: string;
  /** Requests in flight at once. */
  concurrency: number;
  /** Stop after this many requests... */
  maxRequests: number;
  /** ...or after this many ms, whichever comes first. */
  maxMs: number;
  method?: string;
}

/**
 * A bounded closed-loop load generator over keep-alive `http.request` (bounded in count and time,
 * loopback only). Returns every sample so callers can split phases.
 */
export async function load(opts: LoadOptions): Promise<{ samples: Sample[]; elapsedMs: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const samples: Sample[] = [];
  const started = performance.now();
  let issued = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.request(opts.url, { agent, method: opts.method ?? 'GET' }, (res) => {
        res.resume();
        res.on('end', () => {
          samples.push({ ms: performance.now() - t0, status: res.statusCode ?? 0, headers: res.headers });
          resolve();
        });
      });
      req.on('error', () => {
        samples.push({ ms: performance.now() - t0, status: 0, headers: {} });
        resolve();
      });
      req.end();
    });
  const worker = async () => {
    while (issued < opts.maxRequests && performance.now() - started < opts.maxMs) {
      issued++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  agent.destroy();
  return { samples, elapsedMs: performance.now() - started };
}

/** p-th percentile (0-100) of the durations. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
