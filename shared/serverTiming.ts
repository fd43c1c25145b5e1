import type { AttemptRecord } from './types.ts';

/**
 * `Server-Timing` value with one entry per attempt: `pN` is the Nth attempt, `desc` the provider
 * id and its outcome (a status, `timeout` or `error`).
 *
 * @example
 * serverTiming([{ provider: '1', outcome: 'timeout', ms: 2500.1 }, { provider: '2', outcome: 'status', status: 200, ms: 12.3 }])
 * // 'p1;desc="1 timeout";dur=2500.1, p2;desc="2 200";dur=12.3'
 */
export function serverTiming(attempts: readonly AttemptRecord[]): string {
  return attempts.map((a, i) => `p${i + 1};desc="${a.provider} ${a.outcome === 'status' ? a.status : a.outcome}";dur=${a.ms}`).join(', ');
}
