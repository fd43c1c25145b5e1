/** Breaker state of one provider, as `/_router/health` shows it. */
export interface BreakerState {
  state: 'closed' | 'open' | 'half-open';
  consecutive_failures: number;
}

interface Entry {
  failures: number;
  openedAt: number | null;
  /** When the half-open probe started; another probe may start if it never reports back. */
  probeAt: number | null;
}

/** Breaker settings (`breaker` in the config). */
export interface BreakerSettings {
  failures: number;
  cooldownMs: number;
}

/**
 * Circuit breaker per provider, per router instance (SPEC 5). After `failures` consecutive failures
 * a provider is open for `cooldownMs` and skipped; then one request may try it (half-open): success
 * closes it, failure opens it again. The router decides what happens when everything is open
 * (it tries them anyway: a breaker must never turn a degraded service into an outage).
 */
export class CircuitBreaker {
  readonly #entries = new Map<string, Entry>();
  /** When each provider's breaker last closed after being open (for the failback ramp). */
  readonly #recovered = new Map<string, number>();
  /** Who waits for a provider's breaker to open (requests stuck on it: see {@link CircuitBreaker.onOpen}). */
  readonly #openListeners = new Map<string, Set<() => void>>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** May a request try this provider now? Claims the half-open probe when the cooldown is over. */
  tryAcquire(id: string, settings: BreakerSettings): boolean {
    const entry = this.#entries.get(id);
    if (!entry || entry.openedAt === null) return true;
    const now = this.#now();
    if (now - entry.openedAt < settings.cooldownMs) return false;
    if (entry.probeAt !== null && now - entry.probeAt < settings.cooldownMs) return false;
    entry.probeAt = now;
    return true;
  }

  /** `true` when the provider would be skipped now (open, or half-open with its probe taken). */
  isOpen(id: string, settings: BreakerSettings): boolean {
    const entry = this.#entries.get(id);
    if (!entry || entry.openedAt === null) return false;
    const now = this.#now();
    if (now - entry.openedAt < settings.cooldownMs) return true;
    return entry.probeAt !== null && now - entry.probeAt < settings.cooldownMs;
  }

  /** Records an attempt: `true` for any HTTP answer that is not a 5xx, `false` for 5xx, timeout, connection error. */
  record(id: string, success: boolean, settings: BreakerSettings): void {
    let entry = this.#entries.get(id);
    if (success) {
      if (entry?.openedAt != null) this.#recovered.set(id, this.#now());
      if (entry) this.#entries.delete(id);
      return;
    }
    entry ??= { failures: 0, openedAt: null, probeAt: null };
    entry.failures += 1;
    const opens = entry.openedAt === null && entry.failures >= settings.failures;
    if (entry.openedAt !== null || opens) {
      // A failed half-open probe (or reaching the threshold) (re)opens for a full cooldown.
      entry.openedAt = this.#now();
      entry.probeAt = null;
    }
    this.#entries.set(id, entry);
    if (opens) for (const listener of [...(this.#openListeners.get(id) ?? [])]) listener();
  }

  /**
   * Calls `listener` when the provider's breaker goes from closed to open; returns the
   * unsubscribe. A hedged request stuck on a provider whose breaker just opened starts the next
   * one at once (router.ts), instead of waiting out its timeout.
   */
  onOpen(id: string, listener: () => void): () => void {
    const set = this.#openListeners.get(id) ?? new Set();
    set.add(listener);
    this.#openListeners.set(id, set);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#openListeners.get(id) === set) this.#openListeners.delete(id);
    };
  }

  /**
   * When the provider's breaker last closed after being open (a half-open probe succeeded), in
   * wall-clock ms; `undefined` when it never recovered. The failback ramp starts here.
   */
  recoveredAt(id: string): number | undefined {
    return this.#recovered.get(id);
  }

  /** State of one provider for `/_router/health`. */
  state(id: string, settings: BreakerSettings | null): BreakerState {
    const entry = this.#entries.get(id);
    if (!entry || !settings) return { state: 'closed', consecutive_failures: entry?.failures ?? 0 };
    if (entry.openedAt === null) return { state: 'closed', consecutive_failures: entry.failures };
    const cooled = this.#now() - entry.openedAt >= settings.cooldownMs;
    return { state: cooled ? 'half-open' : 'open', consecutive_failures: entry.failures };
  }
}
