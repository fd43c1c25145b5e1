import { AttemptQueue, planAttempts } from './attemptPlan.ts';
import { attemptBudgetMs, usedUpDeadline } from './attemptPolicy.ts';
import { clientAnswer } from './clientAnswer.ts';
import { HEADER } from './defaults.ts';
import type { EdgeCacheStep } from './edgeCacheStep.ts';
import { exhaustionAnswer, stoppedAnswer, type LastFailure } from './exhaustionAnswer.ts';
import { applyRamp } from './failbackRamp.ts';
import { dropKept, type KeptAnswer } from './keptAnswer.ts';
import { attemptHeaders, type RoutedRequest } from './routedRequest.ts';
import type { RouterInstance } from './routerInstance.ts';
import { localFor, stepSender } from './stepSender.ts';
import { decideResult, tryStep, type Attempting } from './tryStep.ts';

/**
 * The attempt loop (SPEC 3.4-3.7): providers in the order `planAttempts` gives, until one
 * answers or none is left; then a stale entry, the last real answer, or a router-made error.
 *
 * @param body - the request body, buffered so every attempt can replay it; `null` for none
 * @example
 * return attemptLoop(instance, req, edge, body);
 */
export async function attemptLoop(
  instance: RouterInstance,
  req: RoutedRequest,
  edge: EdgeCacheStep,
  body: Uint8Array | null,
): Promise<Response> {
  const a = attempting(instance, req, body);
  const { settings } = req;
  let last: KeptAnswer | undefined;
  let lastFailure: LastFailure;
  let deadlineHit = false;
  while (a.queue.hasMore) {
    const remaining = req.remainingMs();
    const budget = attemptBudgetMs(remaining, settings.timeoutMs);
    if (budget === null) {
      [lastFailure, deadlineHit] = ['timeout', true];
      break;
    }
    const step = a.queue.next();
    if (!step) break;
    // One result, or two when a hedge ran (raceAttempts.ts): each is judged as if it came alone.
    for (const { step: tried, result } of await tryStep(a, step, budget)) {
      const { outcome } = result.record;
      const decision = decideResult(req, result);
      if (decision === 'answer' || (decision === 'stop' && result.response)) {
        dropKept(last);
        return req.done(await clientAnswer(req, result.response!, tried, edge), tried.id, edge.cacheable ? { cache: 'MISS' } : {});
      }
      if (decision === 'stop') {
        const stopped = stoppedAnswer(outcome as 'timeout' | 'error' | 'aborted', req.method, tried.id);
        return req.fail(stopped.status, stopped.error);
      }
      if (result.response) {
        dropKept(last);
        last = { response: result.response, step: tried, abort: result.abort };
        continue;
      }
      lastFailure = outcome === 'timeout' ? 'timeout' : 'error';
      deadlineHit ||= usedUpDeadline(outcome, remaining, settings.timeoutMs);
    }
    if (deadlineHit) break;
  }
  return exhausted(instance, req, edge, { last, lastFailure, deadlineHit });
}

/** The request's steps (SPEC 4: plan, breakers, shared health, failback ramp) and how each is sent. */
function attempting(instance: RouterInstance, req: RoutedRequest, body: Uint8Array | null): Attempting {
  const { config, settings } = req;
  const { opts, breaker, ramp, wallNow, random } = instance;
  const local = localFor(instance, req.app, req.ctx);
  // Shared health (configManager.ts): read with the config, so no store call here; advice only.
  const health = opts.config.healthAdvice();
  const planned = planAttempts({
    priority: settings.priority,
    self: opts.self,
    isSelf: (id) => id === opts.self || config.providers.get(id)?.origin === req.url.origin,
    hasLocal: local !== undefined,
    noFallback: req.request.headers.get(HEADER.noFallback) === '1',
    isOpen: (id) => config.breaker !== null && breaker.isOpen(id, config.breaker),
    markedDown: health.ok ? health.down : undefined,
  });
  // Gentle failback (failbackRamp.ts): a provider back from an open breaker is first in line for a growing share.
  const shareOf = (id: string) => ramp.shareOf(id, breaker.recoveredAt(id), wallNow(), config.failback!);
  const steps = config.failback ? applyRamp(planned, shareOf, random) : planned;
  const queue = new AttemptQueue(steps, (id) => !config.breaker || breaker.tryAcquire(id, config.breaker));
  return { instance, req, queue, send: stepSender(instance, req, body, local) };
}

/** How the loop ended without an answer to send. */
interface LoopEnd {
  last: KeptAnswer | undefined;
  lastFailure: LastFailure;
  deadlineHit: boolean;
}

/** Every attempt failed: a stale entry, the last real answer, or a router-made error (exhaustionAnswer.ts). */
async function exhausted(instance: RouterInstance, req: RoutedRequest, edge: EdgeCacheStep, end: LoopEnd): Promise<Response> {
  instance.counters.addExhausted();
  const { last } = end;
  const stale = edge.stale();
  const verdict = exhaustionAnswer({
    hasStale: stale !== undefined,
    hasLastAnswer: last !== undefined,
    attempts: req.attempts.length,
    lastFailure: end.lastFailure,
    deadlineHit: end.deadlineHit,
    priority: req.settings.priority.join(''),
    deadlineMs: req.settings.deadlineMs,
  });
  if (verdict.kind === 'stale') {
    dropKept(last);
    for (const [name, value] of attemptHeaders(req.attempts)) stale!.headers.set(name, value);
    return req.done(stale!, null, { cache: 'STALE' });
  }
  if (verdict.kind === 'last') return req.done(await clientAnswer(req, last!.response, last!.step, null), last!.step.id);
  return req.fail(verdict.status, verdict.error, verdict.extra);
}
