import type { AttemptOutcome, AttemptRecord } from './types.ts';

/**
 * What one attempt means to the provider's breaker (SPEC 5): `true` a success (any HTTP answer
 * that is not a 5xx, 404 included), `false` a failure (5xx, timeout, connection error), `null`
 * not counted: the local copy has no breaker, and a client that went away says nothing about
 * the provider.
 *
 * @example
 * breakerVerdict(false, { provider: '1', outcome: 'status', status: 404, ms: 3 }) // true
 */
export function breakerVerdict(local: boolean, record: AttemptRecord): boolean | null {
  if (local || record.outcome === 'aborted') return null;
  return record.outcome === 'status' && record.status! < 500;
}

/**
 * The budget of the next attempt (SPEC 3.4): its own `timeout_ms`, cut to what is left of the
 * request's deadline; `null` when less than 1 ms is left (the deadline is used up).
 *
 * @example
 * attemptBudgetMs(700, 2500) // 700
 * attemptBudgetMs(0.4, 2500) // null
 */
export function attemptBudgetMs(remainingMs: number, timeoutMs: number): number | null {
  return remainingMs < 1 ? null : Math.min(timeoutMs, remainingMs);
}

/**
 * `true` when a failed attempt used the deadline up: it timed out on a budget that was the rest
 * of the deadline. Timers may fire a hair early, so "time left" alone would let a pointless
 * sub-millisecond attempt through.
 */
export function usedUpDeadline(outcome: AttemptOutcome, remainingMs: number, timeoutMs: number): boolean {
  return outcome === 'timeout' && remainingMs <= timeoutMs;
}
