/**
 * Counters per provider and outcome ("how often did we fall back, and to whom"), per router
 * instance, shown by `/_router/health`. Outcomes are a status code, `timeout`, `error` or `aborted`.
 */
export class UsageCounters {
  readonly #byProvider = new Map<string, Map<string, number>>();
  #exhausted = 0;

  add(provider: string, outcome: string): void {
    let outcomes = this.#byProvider.get(provider);
    if (!outcomes) this.#byProvider.set(provider, (outcomes = new Map()));
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }

  /** A request on which every attempt failed. */
  addExhausted(): void {
    this.#exhausted += 1;
  }

  snapshot(): { providers: Record<string, Record<string, number>>; exhausted: number } {
    return {
      providers: Object.fromEntries([...this.#byProvider].map(([p, o]) => [p, Object.fromEntries(o)])),
      exhausted: this.#exhausted,
    };
  }
}
