import type { DrillMode } from './disabler.ts';
import type { FailureKind } from './trafficLoop.ts';

/** Counts and latency of the requests sent in one phase of a drill. */
export interface PhaseStats {
  sent: number;
  failed: number;
  /** Latency percentiles in ms (send to last body byte, failures included); `null` with no requests. */
  p50: number | null;
  p99: number | null;
  /** Mean upstream attempts per request (`X-Route-Attempts`), two decimals; `null` when no answer said. */
  attempts_per_request: number | null;
  /** Requests the router hedged (two providers at once: a race loser `aborted`, or overlapping attempts). */
  hedged: number;
  /** Provider id -> requests it answered (`"none"`: no provider answer). */
  by_provider: Record<string, number>;
}

/** Whether the router hedges the drilled app (`hedge_after_ms`), and where the drill read it. */
export interface HedgingInfo {
  /** A fixed delay in ms, `'auto'`, or `null`: off (or unknown, see `source`). */
  after_ms: number | 'auto' | null;
  /** `router`: its `/_config/route` says; `config`: read from `--config`; `unknown`: neither. */
  source: 'router' | 'config' | 'unknown';
}

/**
 * What a drill measured: the object `--json` prints, and what {@link formatDrillReport} renders.
 * Times are ms; `*_at_ms` fields count from the first request.
 */
export interface DrillReport {
  router: string;
  app: string;
  path: string;
  /** Provider id that was disabled, and its base URL as the router knows it. */
  provider: string;
  provider_base: string;
  /** Place of the provider in the app's order (0 = first, so it carried the traffic). */
  provider_position: number;
  mode: DrillMode;
  disabler: string;
  rate: number;
  duration_s: number;
  /** Requests sent (answered or failed). */
  sent: number;
  failed: number;
  /** Failed requests whose method is idempotent (GET, HEAD): the acceptance figure. */
  failed_idempotent: number;
  failed_by_kind: Record<FailureKind, number>;
  failed_by_method: Record<string, number>;
  /** Requests due while `maxInFlight` were pending, so not sent. */
  dropped: number;
  /** From disabling until traffic had moved off the provider for good (answer received), or `null`. */
  shift_ms: number | null;
  /** From disabling until the first request the router sent elsewhere without trying the provider (breaker open). */
  breaker_open_ms: number | null;
  /** Traffic came back to the provider after it was re-enabled, within the breaker cooldown + margin. */
  moved_back: boolean;
  /** From re-enabling until the provider answered again, or `null`. */
  back_ms: number | null;
  /** Requests that waited for the provider to time out (the router's attempt or the client's). */
  timeouts_paid: number;
  /**
   * Most timed-out requests the breaker lets through: `failures` + the requests sent while the
   * first timeouts ran (rate x the longest timeout seen) + one half-open probe per cooldown.
   * `null` when the breaker settings are unknown or off.
   */
  timeouts_allowed: number | null;
  phases: { before: PhaseStats; during: PhaseStats; after: PhaseStats };
  timeline: {
    /** `known`: from the disabler; `observed`: inferred from the answers. */
    timing: 'known' | 'observed';
    disable_at_ms: number | null;
    disable_took_ms: number | null;
    enable_at_ms: number | null;
    enable_took_ms: number | null;
    end_ms: number;
  };
  /** Breaker settings assumed for `moved_back` and `timeouts_allowed`. */
  assumed: { timeout_ms: number | null; breaker: { failures: number; cooldown_ms: number } | null };
  /** Hedged fallback of the drilled app, as the router or `--config` says. */
  hedging: HedgingInfo;
  notes: string[];
}
