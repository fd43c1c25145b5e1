import type { AttemptQueue, Step } from './attemptPlan.ts';
import { attemptBudgetMs, breakerVerdict } from './attemptPolicy.ts';
import type { BreakerSettings } from './circuitBreaker.ts';
import { HEADER } from './defaults.ts';
import { decideFallback, isFallbackStatus, type FallbackDecision } from './fallbackPolicy.ts';
import { HedgeBudget } from './hedgeBudget.ts';
import { hedgeDelayMs, lostRaceVerdict, mayHedge } from './hedgePolicy.ts';
import { dropKept } from './keptAnswer.ts';
import { raceAttempts, type Racer } from './raceAttempts.ts';
import type { RoutedRequest } from './routedRequest.ts';
import type { RouterInstance } from './routerInstance.ts';
import { runAttempt, type AttemptResult } from './runAttempt.ts';
import type { Sender } from './stepSender.ts';

/** What the attempts of one request share: the router, the request, its steps left and how a step is sent. */
export interface Attempting {
  readonly instance: RouterInstance;
  readonly req: RoutedRequest;
  readonly queue: AttemptQueue;
  readonly send: Sender;
}

/** One step's result. */
export interface Tried {
  step: Step;
  result: AttemptResult;
}

/** An attempt in a hedge race: the signal that aborts it when the other attempt wins. */
interface RaceEntry {
  signal: AbortSignal;
  hedge: boolean;
}

/**
 * Tries one step; for a request that may hedge (hedgePolicy.ts), starts the next provider in
 * parallel when this one has no headers after the hedge delay, within the instance's budget.
 * Returns one result, or two when a hedge ran (raceAttempts.ts), each to be judged as if it came alone.
 *
 * @example
 * for (const { step, result } of await tryStep(attempting, queue.next()!, budgetMs)) { ... }
 */
export async function tryStep(a: Attempting, step: Step, budgetMs: number): Promise<Tried[]> {
  const { instance, req, queue } = a;
  const { settings, config } = req;
  const run = (s: Step, ms: number, hedge: boolean): Racer<Tried> => {
    const race = new AbortController();
    const result = attempt(a, s, ms, { signal: race.signal, hedge }).then((r) => ({ step: s, result: r }));
    return { result, abort: () => race.abort() };
  };
  const hedgeable = mayHedge(settings.hedgeAfterMs, req.method, req.request.headers.has(HEADER.idempotencyKey));
  if (!hedgeable) return [{ step, result: await attempt(a, step, budgetMs) }];
  if (instance.hedgeBudget.ratio !== config.hedgeBudget) instance.hedgeBudget = new HedgeBudget(config.hedgeBudget);
  const budget = instance.hedgeBudget;
  if (req.attempts.length === 0) budget.deposit(); // once per request, not per round of its fallback
  const { latency } = instance;
  const delayMs = hedgeDelayMs(settings.hedgeAfterMs!, latency.p95(step.id), latency.overall(), settings.timeoutMs, budgetMs);
  const primary = run(step, budgetMs, false);
  if (delayMs === null) return [await primary.result];
  // Forced: the primary's breaker just opened, so the slow provider gets no more load and the budget does not apply.
  const startHedge = (forced: boolean) => {
    const ms = attemptBudgetMs(req.remainingMs(), settings.timeoutMs);
    if (ms === null || !queue.hasMore || !(forced || budget.tryTake())) return null;
    const next = queue.next();
    if (!next && !forced) budget.refund();
    return next ? run(next, ms, true) : null;
  };
  const whenFailing = config.breaker && !step.local ? (fire: () => void) => failing(instance, step.id, config.breaker!, fire) : undefined;
  const settles = (t: Tried) => decideResult(req, t.result) !== 'next';
  const discard = (t: Tried) => dropKept(t.result.response ? { ...t.result, response: t.result.response, step: t.step } : undefined);
  return raceAttempts({ primary, delayMs, startHedge, whenFailing, settles, discard });
}

/**
 * SPEC 3.4 for one result: answer with it, stop, or go on to the next provider.
 *
 * @example
 * decideResult(req, { record: { provider: '1', outcome: 'status', status: 503, ms: 4 }, notSent: false, abort }); // 'next'
 */
export function decideResult(req: RoutedRequest, result: AttemptResult): FallbackDecision {
  const { outcome, status } = result.record;
  const { fallbackOn, idempotentOnly } = req.settings;
  return decideFallback({ outcome, status, method: req.method, notSent: result.notSent, fallbackOn, idempotentOnly });
}

/** Calls `fire` when `id`'s breaker opens, or at once when it already is open (it may have opened while the attempt ran). */
function failing(instance: RouterInstance, id: string, settings: BreakerSettings, fire: () => void): () => void {
  if (instance.breaker.state(id, settings).state === 'open') {
    fire();
    return () => {};
  }
  return instance.breaker.onOpen(id, fire);
}

/** Runs one attempt, settles an answer that would be chosen, and records it (log, counters, breaker, latency). */
async function attempt(a: Attempting, step: Step, budgetMs: number, race?: RaceEntry): Promise<AttemptResult> {
  const { instance, req } = a;
  // The slot is taken at the start, so a hedge's two attempts are listed in the order they started.
  const slot = req.attempts.push({ provider: step.id, outcome: 'aborted', ms: 0 }) - 1;
  const signal = race ? AbortSignal.any([req.request.signal, race.signal]) : req.request.signal;
  const result = await runAttempt(step.id, a.send(step), budgetMs, signal, instance.now);
  const settle = instance.opts.settle;
  if (settle && result.response && !isFallbackStatus(result.record.status!, req.settings.fallbackOn)) {
    try {
      result.response = await settle(result.response);
    } catch {
      // The body broke off before the answer was sent: a failed attempt, like a reset connection.
      result.abort();
      result.response = undefined;
      result.record = { provider: step.id, outcome: 'error', ms: result.record.ms };
    }
  }
  if (step.local) result.record.local = true;
  if (race?.hedge) result.record.hedge = true;
  const lost = race?.signal.aborted === true && !req.request.signal.aborted && result.record.outcome === 'aborted';
  if (lost) result.record.lost = true;
  req.attempts[slot] = result.record;
  record(instance, req, step, result, lost ? race! : undefined);
  return result;
}

/** Counts an attempt's outcome, its latency, and what it tells the provider's breaker. */
function record(instance: RouterInstance, req: RoutedRequest, step: Step, result: AttemptResult, lostRace: RaceEntry | undefined): void {
  const { outcome, status, ms } = result.record;
  instance.counters.add(step.id, outcome === 'status' ? String(status) : outcome);
  // A lost primary's time is a lower bound of its latency (latencyTracker.ts says why it counts).
  if ((outcome === 'status' || (lostRace && !lostRace.hedge)) && !step.local) instance.latency.add(step.id, ms, outcome === 'status');
  const verdict = lostRace ? lostRaceVerdict(lostRace.hedge) : breakerVerdict(step.local, result.record);
  if (verdict !== null && req.config.breaker) instance.breaker.record(step.id, verdict, req.config.breaker);
}
