/** How the last failed attempt failed, as far as the exhaustion answer cares. */
export type LastFailure = 'timeout' | 'error' | undefined;

/** What a request whose every attempt failed is answered with. */
export type Exhaustion =
  /** The cached entry, still within the stale-if-error window. */
  | { kind: 'stale' }
  /** The last answer a provider gave (a status in `fallback_on`). */
  | { kind: 'last' }
  /** A router-made JSON error. */
  | { kind: 'error'; status: 502 | 504; error: string; extra: Record<string, unknown> };

/** Everything the exhaustion answer depends on. */
export interface ExhaustionInput {
  hasStale: boolean;
  hasLastAnswer: boolean;
  attempts: number;
  lastFailure: LastFailure;
  deadlineHit: boolean;
  priority: string;
  deadlineMs: number;
}

/**
 * The answer when every attempt failed (SPEC 3.7, 6), in this order:
 * 1. a cached entry within the stale-if-error window (`X-Cache: STALE`);
 * 2. the last real answer (so a 404 from every provider stays a 404);
 * 3. 502 when nothing was tried;
 * 4. 504 when the last failure was a timeout ("deadline exceeded" when the deadline ran out);
 * 5. else 502.
 *
 * @example
 * exhaustionAnswer({ hasStale: false, hasLastAnswer: false, attempts: 2, lastFailure: 'timeout', deadlineHit: true, priority: '12', deadlineMs: 8000 })
 * // { kind: 'error', status: 504, error: 'deadline exceeded', extra: { deadline_ms: 8000 } }
 */
export function exhaustionAnswer(input: ExhaustionInput): Exhaustion {
  if (input.hasStale) return { kind: 'stale' };
  if (input.hasLastAnswer) return { kind: 'last' };
  if (input.attempts === 0) return { kind: 'error', status: 502, error: 'no provider available', extra: { order: input.priority } };
  if (input.lastFailure === 'timeout') {
    const error = input.deadlineHit ? 'deadline exceeded' : 'all providers failed';
    return { kind: 'error', status: 504, error, extra: { deadline_ms: input.deadlineMs } };
  }
  return { kind: 'error', status: 502, error: 'all providers failed', extra: {} };
}

/**
 * The router-made answer when `idempotent_only` stops a write that may have reached the provider
 * (SPEC 3.7): 504 after a timeout, else 502; a client that went away gets 499 (for the log: it
 * hears nothing).
 */
export function stoppedAnswer(
  outcome: 'timeout' | 'error' | 'aborted',
  method: string,
  provider: string,
): { status: number; error: string } {
  if (outcome === 'aborted') return { status: 499, error: 'client closed the request' };
  const what = outcome === 'timeout' ? 'timed out' : 'failed';
  return {
    status: outcome === 'timeout' ? 504 : 502,
    error: `${method} not retried (idempotent_only): provider ${provider} ${what} after the request may have been sent`,
  };
}
