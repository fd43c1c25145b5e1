/** `hedge_after_ms` as configured: a fixed delay, `'auto'` (from the provider's recent latency), or off. */
export type HedgeSetting = number | 'auto' | null;

/** Methods that may be hedged without an `Idempotency-Key`: sending them twice changes nothing. */
const HEDGEABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Floor of an `'auto'` hedge delay: below it a hedge fires on ordinary jitter. */
export const AUTO_MIN_MS = 50;
/** Samples an `'auto'` delay needs before it trusts the provider's p95. */
export const AUTO_MIN_SAMPLES = 5;

/**
 * May this request be hedged (run on two providers at once)? Only when hedging is on for its
 * route and a second copy of the request cannot apply a write twice: GET, HEAD, OPTIONS, or a
 * request carrying `Idempotency-Key` (the provider deduplicates it). Never any other method.
 *
 * @example
 * mayHedge(150, 'GET', false)   // true
 * mayHedge(150, 'POST', true)   // true  (Idempotency-Key)
 * mayHedge(150, 'POST', false)  // false
 * mayHedge(null, 'GET', false)  // false (hedging off)
 */
export function mayHedge(setting: HedgeSetting, method: string, hasIdempotencyKey: boolean): boolean {
  if (setting === null) return false;
  return HEDGEABLE_METHODS.has(method) || hasIdempotencyKey;
}

/** Recent header latency: the p95 in ms (`null` with no samples) and how many samples it is over. */
export interface Latency {
  p95: number | null;
  samples: number;
}

/**
 * How long the current attempt may go without response headers before the next provider is
 * started in parallel, in ms. A number is used as is; `'auto'` is twice the provider's recent p95
 * header latency clamped to [{@link AUTO_MIN_MS}, timeout]. A provider with fewer than
 * {@link AUTO_MIN_SAMPLES} samples (a fresh instance, a provider that never answered) borrows
 * the p95 of every provider of this instance, and with too few of those either, a fifth of the
 * timeout. `null` when no hedge can start before the attempt's own budget ends.
 *
 * @example
 * const none = { p95: null, samples: 0 };
 * hedgeDelayMs(200, none, none, 2500, 2500)                        // 200
 * hedgeDelayMs('auto', { p95: 40, samples: 50 }, none, 2500, 2500) // 80
 * hedgeDelayMs('auto', none, { p95: 10, samples: 9 }, 2500, 2500)  // 50 (borrowed, floored)
 * hedgeDelayMs('auto', none, none, 2500, 2500)                     // 500
 * hedgeDelayMs(200, none, none, 2500, 150)                         // null (the budget ends first)
 */
export function hedgeDelayMs(setting: number | 'auto', own: Latency, overall: Latency, timeoutMs: number, budgetMs: number): number | null {
  const delay = setting === 'auto' ? autoDelayMs(own.samples >= AUTO_MIN_SAMPLES ? own : overall, timeoutMs) : setting;
  return delay < budgetMs ? delay : null;
}

function autoDelayMs(latency: Latency, timeoutMs: number): number {
  const raw = latency.p95 !== null && latency.samples >= AUTO_MIN_SAMPLES ? latency.p95 * 2 : timeoutMs / 5;
  return Math.round(Math.min(timeoutMs, Math.max(AUTO_MIN_MS, raw)));
}

/**
 * What an attempt that lost a hedge race means to its provider's breaker: the primary lost
 * because it had no headers after the hedge delay while another provider answered, so it counts
 * as a failure (a hanging provider's breaker then opens after `breaker.failures` hedged requests,
 * not after as many full timeouts); the hedge lost because it started later, which says nothing.
 *
 * @example
 * lostRaceVerdict(false) // false (the primary: a failure)
 * lostRaceVerdict(true)  // null  (the hedge: not counted)
 */
export function lostRaceVerdict(wasHedge: boolean): false | null {
  return wasHedge ? null : false;
}
