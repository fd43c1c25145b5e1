/** One provider to try: remote over HTTP, or this deployment's own copy of the app in-process. */
export interface Step {
  id: string;
  local: boolean;
  /** Tried although its breaker is open, because every provider of the order was open. */
  force?: boolean;
}

/** What the order of one request depends on. */
export interface PlanInput {
  /** The app's priority, e.g. `['2', '1', '3']`. */
  priority: readonly string[];
  /** This deployment's provider id (`ROUTE_SELF`), if any. */
  self: string | undefined;
  /** `true` for self: `ROUTE_SELF`, or a provider whose origin is this deployment's own. */
  isSelf(id: string): boolean;
  /** This deployment has a local copy of the app. */
  hasLocal: boolean;
  /** The request carries `X-No-Fallback: 1`: another router chose this deployment. */
  noFallback: boolean;
  /** The breaker would skip `id` now. */
  isOpen(id: string): boolean;
  /**
   * Providers the shared health document marks down (advice, `healthDocument.ts`): tried after
   * every other one, never removed. @default none
   */
  markedDown?: ReadonlySet<string>;
}

/**
 * The order of one request (SPEC 4), checked in this order:
 * 1. self is served in-process when this deployment hosts the app, else skipped (never an HTTP
 *    request to itself);
 * 2. a remote provider the shared health document marks down moves behind every provider it does
 *    not mark (order kept on each side): advice, so it is still tried (fail open); the local copy
 *    is never moved, since this deployment knows first hand whether it can serve;
 * 3. `X-No-Fallback: 1` gets exactly one attempt: the local copy if there is one, else the first
 *    provider whose breaker is not open (the first at all when every one is open), after step 2.
 *
 * @example
 * planAttempts({ priority: ['1', '2'], self: '1', isSelf: (id) => id === '1', hasLocal: false, noFallback: false, isOpen: () => false })
 * // [{ id: '2', local: false }]
 */
export function planAttempts(input: PlanInput): Step[] {
  const steps: Step[] = [];
  for (const id of input.priority) {
    if (!input.isSelf(id)) steps.push({ id, local: false });
    else if (input.hasLocal) steps.push({ id, local: true });
  }
  const down = input.markedDown;
  if (down !== undefined && down.size > 0) {
    const demoted = (s: Step) => !s.local && down.has(s.id);
    steps.splice(0, steps.length, ...steps.filter((s) => !demoted(s)), ...steps.filter(demoted));
  }
  if (!input.noFallback) return steps;
  if (input.hasLocal) return [{ id: input.self ?? steps.find((s) => s.local)?.id ?? 'local', local: true }];
  const first = steps.find((s) => !input.isOpen(s.id)) ?? steps[0];
  return first ? [first] : [];
}

/**
 * Walks a plan lazily through the breaker (SPEC 5): `admit` is asked once per remote step, just
 * before it would be tried, so a half-open probe is claimed only when it is used. Steps it refuses
 * are skipped; when it refused every one and nothing was tried, they are tried in order anyway
 * (`force`): the breaker never turns a degraded service into an outage. Local steps are always
 * admitted.
 *
 * @example
 * const queue = new AttemptQueue(steps, (id) => breaker.tryAcquire(id, settings));
 * while (queue.hasMore) { const step = queue.next(); if (!step) break; ... }
 */
export class AttemptQueue {
  readonly #steps: readonly Step[];
  readonly #admit: (id: string) => boolean;
  #index = 0;
  #given = 0;
  #skipped: Step[] = [];
  #forced: Step[] = [];

  constructor(steps: readonly Step[], admit: (id: string) => boolean) {
    this.#steps = steps;
    this.#admit = admit;
  }

  /** Steps are left to look at (some may still be skipped by the breaker). */
  get hasMore(): boolean {
    return this.#index < this.#steps.length || this.#forced.length > 0;
  }

  /** The next step to try, or `undefined` when none is left. */
  next(): Step | undefined {
    while (this.#index < this.#steps.length) {
      const step = this.#steps[this.#index++]!;
      if (step.local || this.#admit(step.id)) return this.#give(step);
      this.#skipped.push(step);
      // The last step was refused and nothing was tried: every provider is open.
      if (this.#index === this.#steps.length && this.#given === 0) this.#forced = this.#skipped.map((s) => ({ ...s, force: true }));
    }
    const forced = this.#forced.shift();
    return forced ? this.#give(forced) : undefined;
  }

  #give(step: Step): Step {
    this.#given++;
    return step;
  }
}
