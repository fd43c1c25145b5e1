import type { DrillMode } from './disabler.ts';
import type { DrillReport, HedgingInfo } from './drillReport.ts';
import { phaseStats } from './phaseStats.ts';
import type { DrillSample, FailureKind } from './trafficLoop.ts';

/** When the provider went away and came back, as far as the drill knows (ms since start). */
export interface DrillTimeline {
  timing: 'known' | 'observed';
  /** Disable step started / finished. `null`: never disabled (or, observed, never seen). */
  disableAt: number | null;
  disabledAt: number | null;
  enableAt: number | null;
  enabledAt: number | null;
  endAt: number;
}

/** Everything {@link analyzeDrill} needs besides the samples. */
export interface AnalyzeInput {
  samples: readonly DrillSample[];
  dropped: number;
  timeline: DrillTimeline;
  provider: string;
  providerBase: string;
  position: number;
  router: string;
  app: string;
  path: string;
  mode: DrillMode;
  disabler: string;
  rate: number;
  durationS: number;
  /** Breaker settings of the router, for `moved_back` and `timeouts_allowed`; `null` when off. */
  breaker: { failures: number; cooldownMs: number } | null;
  timeoutMs: number | null;
  /** Whether the router hedges the drilled app, and where that was read. @default unknown */
  hedging?: HedgingInfo;
  notes?: string[];
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Extra time allowed beyond the cooldown for traffic to come back. */
const MOVE_BACK_MARGIN_MS = 2000;

/**
 * Turns the samples of a drill into its report (pure: no clock, no I/O).
 *
 * Phases are judged by send time: before the disable step started, while disabled (until the
 * enable step finished), and after. With `timing: 'observed'` the boundaries are inferred: the
 * provider went away with the first request that found it failing (or was answered by another
 * provider), and came back with the first later request it answered.
 */
export function analyzeDrill(input: AnalyzeInput): DrillReport {
  const { provider } = input;
  const notes = [...(input.notes ?? [])];
  const samples = [...input.samples].sort((a, b) => a.sentAt - b.sentAt || a.seq - b.seq);
  const timeline = input.timeline.timing === 'observed' ? observeTimeline(samples, provider, input.timeline.endAt) : input.timeline;
  if (input.timeline.timing === 'observed' && timeline.disableAt === null)
    notes.push(`no request found provider ${provider} failing: was it disabled while the drill ran?`);

  const disabledFrom = timeline.disableAt ?? Infinity;
  const disabledUntil = timeline.enabledAt ?? timeline.enableAt ?? Infinity;
  const phaseOf = (s: DrillSample): 'before' | 'during' | 'after' =>
    s.sentAt < disabledFrom ? 'before' : s.sentAt < disabledUntil ? 'during' : 'after';
  const phases = { before: [] as DrillSample[], during: [] as DrillSample[], after: [] as DrillSample[] };
  for (const s of samples) phases[phaseOf(s)].push(s);

  // Traffic has moved once no later request is answered by the provider while it is disabled.
  // Only answers that arrived before re-enabling started count: a request sent just before that
  // may rightly be answered by the provider once it is back.
  let shift_ms: number | null = null;
  const whileDisabled = phases.during.filter((s) => s.doneAt < (timeline.enableAt ?? Infinity));
  const lastOnProvider = whileDisabled.findLastIndex((s) => s.provider === provider);
  const settled = whileDisabled.slice(lastOnProvider + 1).filter((s) => s.provider !== null && s.provider !== provider);
  if (timeline.disableAt !== null && settled.length > 0) shift_ms = round(Math.min(...settled.map((s) => s.doneAt)) - timeline.disableAt);
  if (input.position > 0) notes.push(`provider ${provider} is not first in ${input.app}'s order: it carried no traffic to move off`);
  const skipped = phases.during.find(
    (s) => s.attempts.length > 0 && !s.attempts.some((a) => a.provider === provider) && s.provider !== provider,
  );
  const breaker_open_ms = skipped && timeline.disableAt !== null ? round(skipped.sentAt - timeline.disableAt) : null;

  const back = phases.after.filter((s) => s.provider === provider).sort((a, b) => a.doneAt - b.doneAt)[0];
  const back_ms =
    back && timeline.timing === 'known' && timeline.enabledAt !== null ? round(Math.max(0, back.doneAt - timeline.enabledAt)) : null;
  const longestTimeout = Math.max(
    0,
    ...samples.flatMap((s) => s.attempts.filter((a) => a.provider === provider && a.outcome === 'timeout').map((a) => a.ms)),
  );
  let moved_back = back !== undefined;
  if (moved_back && back_ms !== null && input.breaker)
    moved_back = back_ms <= input.breaker.cooldownMs + MOVE_BACK_MARGIN_MS + longestTimeout;
  if (!back && timeline.disableAt !== null)
    notes.push(`provider ${provider} answered nothing after it was re-enabled: make the drill longer than the breaker cooldown`);

  const paid = samples.filter(
    (s) => s.failure === 'timeout' || s.attempts.some((a) => a.provider === provider && a.outcome === 'timeout'),
  ).length;
  let timeouts_allowed: number | null = null;
  if (input.breaker && timeline.disableAt !== null) {
    const disabledMs = (timeline.enabledAt ?? timeline.endAt) - timeline.disableAt;
    timeouts_allowed =
      input.breaker.failures + Math.ceil((input.rate * longestTimeout) / 1000) + Math.ceil(disabledMs / input.breaker.cooldownMs) + 1;
  }

  const failed = samples.filter((s) => s.failure !== null);
  const failed_by_kind: Record<FailureKind, number> = { timeout: 0, '5xx': 0, '4xx': 0, connection: 0 };
  const failed_by_method: Record<string, number> = {};
  for (const s of failed) {
    failed_by_kind[s.failure!] += 1;
    failed_by_method[s.method] = (failed_by_method[s.method] ?? 0) + 1;
  }
  if (input.dropped > 0) notes.push(`${input.dropped} request(s) not sent: too many in flight (the router stopped answering?)`);

  return {
    router: input.router,
    app: input.app,
    path: input.path,
    provider,
    provider_base: input.providerBase,
    provider_position: input.position,
    mode: input.mode,
    disabler: input.disabler,
    rate: input.rate,
    duration_s: input.durationS,
    sent: samples.length,
    failed: failed.length,
    failed_idempotent: failed.filter((s) => IDEMPOTENT.has(s.method)).length,
    failed_by_kind,
    failed_by_method,
    dropped: input.dropped,
    shift_ms,
    breaker_open_ms,
    moved_back,
    back_ms,
    timeouts_paid: paid,
    timeouts_allowed,
    phases: { before: phaseStats(phases.before), during: phaseStats(phases.during), after: phaseStats(phases.after) },
    timeline: {
      timing: timeline.timing,
      disable_at_ms: roundOrNull(timeline.disableAt),
      disable_took_ms: timeline.disableAt !== null && timeline.disabledAt !== null ? round(timeline.disabledAt - timeline.disableAt) : null,
      enable_at_ms: roundOrNull(timeline.enableAt),
      enable_took_ms: timeline.enableAt !== null && timeline.enabledAt !== null ? round(timeline.enabledAt - timeline.enableAt) : null,
      end_ms: round(timeline.endAt),
    },
    assumed: {
      timeout_ms: input.timeoutMs,
      breaker: input.breaker ? { failures: input.breaker.failures, cooldown_ms: input.breaker.cooldownMs } : null,
    },
    hedging: input.hedging ?? { after_ms: null, source: 'unknown' },
    notes,
  };
}

/** Phase boundaries inferred from the answers, for disablers the drill does not drive. */
function observeTimeline(samples: readonly DrillSample[], provider: string, endAt: number): DrillTimeline {
  const failing = (s: DrillSample): boolean =>
    s.attempts.some((a) => a.provider === provider && !/^[1-4]\d\d$/.test(a.outcome)) || (s.provider !== null && s.provider !== provider);
  const wasServing = samples.some((s) => s.provider === provider);
  const gone = samples.find(
    (s) => failing(s) && (wasServing ? samples.some((e) => e.provider === provider && e.sentAt <= s.sentAt) : true),
  );
  const disableAt = gone?.sentAt ?? null;
  const back = disableAt === null ? undefined : samples.find((s) => s.sentAt > disableAt && s.provider === provider);
  const enableAt = back?.sentAt ?? null;
  return { timing: 'observed', disableAt, disabledAt: disableAt, enableAt, enabledAt: enableAt, endAt };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function roundOrNull(ms: number | null): number | null {
  return ms === null ? null : round(ms);
}
