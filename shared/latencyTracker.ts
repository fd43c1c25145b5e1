/**
 * Recent header latency of each provider (the last {@link LatencyTracker.size} answers), for an
 * `'auto'` hedge delay. Answers count, and so does a primary that lost a hedge race, as a lower
 * bound (it had no headers after that long): a slow but healthy provider thus pushes its own
 * delay up instead of being hedged at the same too-short delay forever. A timeout or a broken
 * connection says nothing about how fast the provider answers when it does.
 *
 * @example
 * const latency = new LatencyTracker();
 * latency.add('1', 42);
 * latency.p95('1') // { p95: 42, samples: 1 }
 */
export class LatencyTracker {
  readonly #samples = new Map<string, number[]>();
  readonly #next = new Map<string, number>();
  /** Real answers of every provider (no lower bounds): what a provider with no history borrows. */
  readonly #answers: number[] = [];
  #answersNext = 0;

  readonly size: number;

  /** @param size - samples kept per provider @default 64 */
  constructor(size = 64) {
    this.size = size;
  }

  /**
   * Records one answer's header latency in ms, or a lower bound of it (`answered: false`: a
   * primary that lost a hedge race), which counts for the provider only.
   */
  add(provider: string, ms: number, answered = true): void {
    if (answered) {
      this.#answers[this.#answersNext] = ms;
      this.#answersNext = (this.#answersNext + 1) % this.size;
    }
    const ring = this.#samples.get(provider) ?? [];
    const at = this.#next.get(provider) ?? 0;
    ring[at] = ms;
    this.#samples.set(provider, ring);
    this.#next.set(provider, (at + 1) % this.size);
  }

  /** The 95th percentile (nearest rank) of the provider's kept samples; `null` with none. */
  p95(provider: string): { p95: number | null; samples: number } {
    return percentile95(this.#samples.get(provider) ?? []);
  }

  /** The 95th percentile of the last answers of every provider: what a provider with no history borrows. */
  overall(): { p95: number | null; samples: number } {
    return percentile95(this.#answers);
  }
}

function percentile95(samples: readonly number[]): { p95: number | null; samples: number } {
  if (samples.length === 0) return { p95: null, samples: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  return { p95: sorted[Math.ceil(0.95 * sorted.length) - 1]!, samples: sorted.length };
}
