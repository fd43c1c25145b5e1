import type { Step } from './attemptPlan.ts';

/** `failback` in the config: how a provider's share ramps up after its breaker closes again. */
export interface FailbackSettings {
  /** Length of the ramp, ms (jittered by up to {@link RAMP_JITTER} per recovery). */
  rampMs: number;
  /** Share of requests the provider is first in line for when the ramp starts, in (0, 1]. */
  startShare: number;
}

/** Each recovery's window is stretched or shrunk by up to this fraction, so instances do not ramp in lockstep. */
export const RAMP_JITTER = 0.05;

/**
 * The share of requests a recovering provider is first in line for, `elapsedMs` after its
 * breaker closed: a straight line from `startShare` to 1 over `windowMs`; 1 once it is over.
 *
 * @example
 * rampShare(0, 30000, { rampMs: 30000, startShare: 0.1 })      // 0.1
 * rampShare(15000, 30000, { rampMs: 30000, startShare: 0.1 })  // 0.55
 * rampShare(30000, 30000, { rampMs: 30000, startShare: 0.1 })  // 1
 */
export function rampShare(elapsedMs: number, windowMs: number, settings: FailbackSettings): number {
  if (elapsedMs >= windowMs) return 1;
  const t = Math.max(0, elapsedMs) / windowMs;
  return settings.startShare + (1 - settings.startShare) * t;
}

/** A ramp window for one recovery: `rampMs` jittered by +-{@link RAMP_JITTER}. @example jitteredWindow(30000, 0.5) // 30000 */
export function jitteredWindow(rampMs: number, random: number): number {
  return rampMs * (1 + RAMP_JITTER * (2 * random - 1));
}

/**
 * The plan with each ramping provider either kept in place (with probability = its share) or
 * moved after the others: never removed, so a request still reaches it when everyone else fails.
 *
 * @param shareOf - the share of a remote provider, 1 when it is not ramping
 * @param random - uniform in [0, 1), one draw per ramping step
 * @example
 * applyRamp([{ id: '1', local: false }, { id: '2', local: false }], (id) => (id === '1' ? 0.1 : 1), () => 0.5)
 * // [{ id: '2', local: false }, { id: '1', local: false }]
 */
export function applyRamp(steps: readonly Step[], shareOf: (id: string) => number, random: () => number): Step[] {
  const kept: Step[] = [];
  const demoted: Step[] = [];
  for (const step of steps) {
    const share = step.local ? 1 : shareOf(step.id);
    (share >= 1 || random() < share ? kept : demoted).push(step);
  }
  return demoted.length === 0 ? [...steps] : [...kept, ...demoted];
}

/**
 * The ramps of one router instance: the share of each provider whose breaker closed after a
 * half-open probe (`recoveredAt` from {@link CircuitBreaker.recoveredAt}), with one jittered
 * window per recovery.
 *
 * @example
 * const ramp = new FailbackRamp(Math.random);
 * ramp.shareOf('1', breaker.recoveredAt('1'), Date.now(), { rampMs: 30000, startShare: 0.1 })
 */
export class FailbackRamp {
  readonly #windows = new Map<string, { at: number; windowMs: number }>();
  readonly #random: () => number;

  constructor(random: () => number) {
    this.#random = random;
  }

  /** The provider's share now: 1 unless it recovered less than a window ago. */
  shareOf(id: string, recoveredAt: number | undefined, now: number, settings: FailbackSettings): number {
    if (recoveredAt === undefined) return 1;
    let window = this.#windows.get(id);
    if (!window || window.at !== recoveredAt) {
      window = { at: recoveredAt, windowMs: jitteredWindow(settings.rampMs, this.#random()) };
      this.#windows.set(id, window);
    }
    const share = rampShare(now - recoveredAt, window.windowMs, settings);
    if (share >= 1) this.#windows.delete(id);
    return share;
  }
}
