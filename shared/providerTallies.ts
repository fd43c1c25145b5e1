import type { RequestLogEntry } from './types.ts';

/** What the status page counts for one provider since this router instance started. */
export interface ProviderTally {
  /** Requests this provider answered (its answer went to the client). */
  answers: number;
  /** Attempts that failed here and sent the request on to the next provider (or to the final error). */
  fallbacks: number;
  /** Attempts that ran out of time (`timeout_ms` or the deadline). */
  timeouts: number;
  /** Attempts that failed to connect or broke off. */
  errors: number;
}

/**
 * Index of the attempt whose answer went to the client, -1 for a router-made answer. Usually the
 * last one; when every provider failed, the last real answer (a 404 from everyone) goes back, and
 * that may be an earlier attempt.
 *
 * @example
 * const attempts = [{ provider: '1', outcome: 'status', status: 404, ms: 1 }, { provider: '2', outcome: 'error', ms: 1 }];
 * answeringAttempt({ provider: '1', attempts }); // 0
 */
export function answeringAttempt(entry: Pick<RequestLogEntry, 'attempts' | 'provider'>): number {
  if (entry.provider === null) return -1;
  return entry.attempts.findLastIndex((a) => a.provider === entry.provider && a.outcome === 'status');
}

/**
 * Per-provider counters of answers, fallbacks, timeouts and connection errors, fed by the one log
 * line per routed request. Keys are provider ids from the config, so the map stays small.
 *
 * @example
 * const tallies = new ProviderTallies();
 * tallies.add(entry); // provider 2 timed out, then provider 1 answered
 * tallies.snapshot(); // { '2': { answers: 0, fallbacks: 1, timeouts: 1, errors: 0 }, '1': { answers: 1, ... } }
 */
export class ProviderTallies {
  readonly #byProvider = new Map<string, ProviderTally>();

  add(entry: Pick<RequestLogEntry, 'attempts' | 'provider'>): void {
    const answered = answeringAttempt(entry);
    entry.attempts.forEach((attempt, i) => {
      const tally = this.#tally(attempt.provider);
      if (attempt.outcome === 'timeout') tally.timeouts += 1;
      if (attempt.outcome === 'error') tally.errors += 1;
      if (i === answered) tally.answers += 1;
      else if (attempt.outcome !== 'aborted') tally.fallbacks += 1;
    });
  }

  /** Counters by provider id. */
  snapshot(): Record<string, ProviderTally> {
    return Object.fromEntries([...this.#byProvider].map(([id, t]) => [id, { ...t }]));
  }

  #tally(id: string): ProviderTally {
    let tally = this.#byProvider.get(id);
    if (!tally) this.#byProvider.set(id, (tally = { answers: 0, fallbacks: 0, timeouts: 0, errors: 0 }));
    return tally;
  }
}
