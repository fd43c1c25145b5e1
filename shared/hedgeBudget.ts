/**
 * The token bucket that caps hedges per router instance, so a slow provider cannot double the
 * load: every request that may hedge deposits `ratio` tokens (up to `capacity`), a hedge spends
 * one. In a steady state at most `ratio` of the requests hedge; the bucket starts full, so a fresh
 * instance can hedge its first `capacity` requests while a hanging provider's breaker opens.
 *
 * @example
 * const bucket = new HedgeBudget(0.1);      // capacity 10
 * bucket.deposit();                           // one eligible request
 * if (bucket.tryTake()) startHedge();
 */
export class HedgeBudget {
  #tokens: number;
  readonly ratio: number;
  readonly capacity: number;

  /**
   * @param ratio - share of requests that may hedge, in (0, 1]
   * @param capacity - burst, in hedges @default max(10, 100 x ratio)
   */
  constructor(ratio: number, capacity = Math.max(10, 100 * ratio)) {
    this.ratio = ratio;
    this.capacity = capacity;
    this.#tokens = capacity;
  }

  /** One request that may hedge arrived. */
  deposit(): void {
    this.#tokens = Math.min(this.capacity, this.#tokens + this.ratio);
  }

  /** Takes one hedge's token; `false` when the budget is spent. */
  tryTake(): boolean {
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Gives back a token taken for a hedge that could not start (no provider left). */
  refund(): void {
    this.#tokens = Math.min(this.capacity, this.#tokens + 1);
  }
}
