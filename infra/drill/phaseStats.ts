import type { PhaseStats } from './drillReport.ts';
import type { DrillSample } from './trafficLoop.ts';

/**
 * The figures of one phase of a drill (pure): requests sent and failed, p50/p99 latency, mean
 * upstream attempts per request, how many answers were hedged, and who answered.
 *
 * @example
 * phaseStats(samples.filter((s) => s.sentAt < disableAt)).p99 // 12.4
 */
export function phaseStats(samples: readonly DrillSample[]): PhaseStats {
  const latencies = samples.map((s) => s.doneAt - s.sentAt).sort((a, b) => a - b);
  const by_provider: Record<string, number> = {};
  for (const s of samples) by_provider[s.provider ?? 'none'] = (by_provider[s.provider ?? 'none'] ?? 0) + 1;
  return {
    sent: samples.length,
    failed: samples.filter((s) => s.failure !== null).length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    attempts_per_request: attemptsPerRequest(samples),
    hedged: samples.filter(wasHedged).length,
    by_provider,
  };
}

/**
 * Mean upstream attempts per answered request, two decimals (1.00: every request had its answer
 * from the first try; a hedge or a fallback adds one). Requests whose answer did not say
 * (`X-Route-Attempts` missing, no answer at all) are left out; `null` when none said.
 *
 * @example
 * attemptsPerRequest([{ attemptCount: 1 }, { attemptCount: 2 }, { attemptCount: null }]) // 1.5
 */
export function attemptsPerRequest(samples: ReadonlyArray<Pick<DrillSample, 'attemptCount'>>): number | null {
  const counts = samples.map((s) => s.attemptCount).filter((n): n is number => n !== null);
  if (counts.length === 0) return null;
  return Math.round((counts.reduce((a, b) => a + b, 0) / counts.length) * 100) / 100;
}

/**
 * Was this request hedged (two attempts in flight at once)? The router lists both attempts of a
 * hedge race in `Server-Timing`: the loser as `aborted` when the other won (the client got its
 * answer, so it was not the client that aborted). When both lost, neither is `aborted`, but they
 * overlapped: their durations add up to more than the whole request took, which attempts made
 * one after the other never do.
 *
 * @example
 * wasHedged({ status: 200, sentAt: 0, doneAt: 110, attempts: [{ provider: '1', outcome: 'aborted', ms: 105 }, { provider: '2', outcome: '200', ms: 4 }] }) // true
 */
export function wasHedged(sample: Pick<DrillSample, 'status' | 'sentAt' | 'doneAt' | 'attempts'>): boolean {
  if (sample.attempts.length < 2) return false;
  if (sample.status !== null && sample.attempts.some((a) => a.outcome === 'aborted')) return true;
  const attemptsMs = sample.attempts.reduce((total, a) => total + a.ms, 0);
  // 1 ms of slack: each duration is rounded to 0.1 ms.
  return attemptsMs > sample.doneAt - sample.sentAt + 1;
}

/**
 * Nearest-rank percentile of sorted values, one decimal; `null` for none.
 *
 * @example
 * percentile([1, 2, 3, 4], 50) // 2
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return Math.round(sorted[rank - 1]! * 10) / 10;
}
