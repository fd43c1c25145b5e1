import { answerSource } from './answerSource.ts';
import { connectionReason } from './routeInfo.ts';

/** Answers that took at least this long show their time: a client waited for them. */
const SHOW_TIME_FROM_MS = 1000;

/** Options of {@link probeCell}. */
export interface ProbeCellOptions {
  /** id -> base URL, to read a URL-valued `X-Backend-Source`. */
  providers?: Readonly<Record<string, string>>;
  /**
   * How long to wait for the router. It must outlast the router's own deadline, so the probe
   * always ends with the router's verdict: a probe that gave up first would show a verdict the
   * router never reached, and the router would log a client abort, which its breaker does not
   * count, so the watching would change what is watched.
   */
  timeoutMs: number;
  /** Cancels the probe (the view is stopping). */
  signal?: AbortSignal;
  /** Clock, ms. @default performance.now */
  now?: () => number;
}

/**
 * One cell of the live view: what a client gets for `GET /<app>/api/` through `router`, as text.
 * `1` (provider 1 answered), `1 (2: timeout) 2.5 s` (provider 2 timed out, then 1 answered, the
 * whole answer took 2.5 s), `1 hit` (edge cache), `503 none (1: 503)` (every attempt failed),
 * `503 draining` (the router itself is drained), `down: connection refused`, or
 * `no answer in 9.0 s` when even the router's deadline has passed.
 *
 * @example
 * await probeCell('http://127.0.0.1:8787', 'task', { timeoutMs: 9000 }); // '1 (2: timeout) 2.5 s'
 */
export async function probeCell(router: string, app: string, options: ProbeCellOptions): Promise<string> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const signals = [AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])];
  try {
    const response = await fetch(`${router}/${app}/api/`, { signal: AbortSignal.any(signals), redirect: 'manual' });
    const body = await response.text();
    const took = now() - started;
    const time = took >= SHOW_TIME_FROM_MS ? ` ${(took / 1000).toFixed(1)} s` : '';
    const source = answerSource(response.headers, options.providers);
    const list = (attempts: typeof source.attempts): string => attempts.map((a) => `${a.provider}: ${a.outcome}`).join(', ');
    if (source.provider === null || response.status >= 500) {
      const why = source.attempts.length ? `none (${list(source.attempts)})` : routerError(body);
      return `${response.status} ${why}${time}`;
    }
    const cache = source.cache === 'HIT' || source.cache === 'STALE' ? ` ${source.cache.toLowerCase()}` : '';
    const failed = source.attempts.slice(0, -1);
    return `${source.provider}${cache}${failed.length ? ` (${list(failed)})` : ''}${time}`;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError') return `no answer in ${(options.timeoutMs / 1000).toFixed(1)} s`;
    if (name === 'AbortError') return 'stopped';
    return `down: ${connectionReason(error)}`;
  }
}

/** The first word of a router-made error (`draining`, `unknown app` ...), else `none`. */
function routerError(body: string): string {
  try {
    const error = (JSON.parse(body) as { error?: unknown }).error;
    if (typeof error === 'string' && error) return error.split(':')[0]!.slice(0, 40);
  } catch {
    // Not JSON: nothing more to say than the status.
  }
  return 'none';
}
