/**
 * Bytes of request bodies being received, across every in-flight request of one router instance
 * (process, isolate). Each request takes its share before reading (its declared `Content-Length`,
 * or chunk by chunk when none) and gives it back once its read is over, so that many slow or
 * stalled uploads cannot add up past the cap (`max_buffered_body_bytes`): a request that does not
 * fit answers 503 with `Retry-After` instead of growing the heap.
 *
 * @example
 * const budget = new BodyBudget();
 * if (!budget.take(9_000_000, config.maxBufferedBodyBytes)) return busy();
 * try { ... } finally { budget.give(9_000_000); }
 */
export class BodyBudget {
  #inUse = 0;

  /** Bytes currently taken. */
  get inUse(): number {
    return this.#inUse;
  }

  /**
   * Takes `bytes` when they fit under `cap` (the cap comes with each call: a config reload may
   * change it). A request for 0 bytes always fits.
   * @returns whether the bytes were taken
   */
  take(bytes: number, cap: number): boolean {
    if (bytes <= 0) return true;
    if (this.#inUse + bytes > cap) return false;
    this.#inUse += bytes;
    return true;
  }

  /** Gives back bytes taken earlier. */
  give(bytes: number): void {
    this.#inUse = Math.max(0, this.#inUse - Math.max(0, bytes));
  }
}
