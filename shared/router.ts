import { appAttempt } from './appAttempt.ts';
import { AttemptQueue, planAttempts, type Step } from './attemptPlan.ts';
import { attemptBudgetMs, breakerVerdict, usedUpDeadline } from './attemptPolicy.ts';
import { needsKey } from './authPolicy.ts';
import { bodyLimits, bodyRefusal } from './bodyRefusal.ts';
import { CircuitBreaker, type BreakerSettings } from './circuitBreaker.ts';
import type { ConfigManager } from './configManager.ts';
import { configRoute } from './configRoute.ts';
import { DEFAULTS, HEADER } from './defaults.ts';
import { EdgeCacheStep } from './edgeCacheStep.ts';
import { FailbackRamp, applyRamp } from './failbackRamp.ts';
import { HedgeBudget } from './hedgeBudget.ts';
import { hedgeDelayMs, lostRaceVerdict, mayHedge } from './hedgePolicy.ts';
import { LatencyTracker } from './latencyTracker.ts';
import { raceAttempts, type Racer } from './raceAttempts.ts';
import { exhaustionAnswer, stoppedAnswer, type LastFailure } from './exhaustionAnswer.ts';
import { decideFallback, isFallbackStatus } from './fallbackPolicy.ts';
import { arrivedHops, clientResponseHeaders, forwardRequestHeaders, stripHopByHop } from './headers.ts';
import { healthRoute } from './healthRoute.ts';
import { checkAppRegistry } from './hostedApps.ts';
import { jsonResponse } from './jsonResponse.ts';
import { hasValidPercentEncoding, matchApp } from './matchApp.ts';
import { MemoryCache } from './memoryCache.ts';
import { readRequestBody } from './readRequestBody.ts';
import { attemptHeaders, RoutedRequest, type RequestDeps } from './routedRequest.ts';
import { runAttempt, type AttemptResult } from './runAttempt.ts';
import { StatusFeed } from './statusFeed.ts';
import { statusRoute } from './statusRoute.ts';
import { timingSafeEqual } from './timingSafeEqual.ts';
import type { AppContext, AppEnv, AppRegistry, EdgeCache, LocalHandler, RequestLogEntry, RouterContext, UpstreamFetch } from './types.ts';
import { upstreamUrl } from './upstreamUrl.ts';
import { UsageCounters } from './usageCounters.ts';

/** Options of {@link createRouter}. */
export interface RouterOptions {
  /** The refreshing, last-known-good config owner. */
  config: ConfigManager;
  /** Upstream transport; the global `fetch` satisfies it (see {@link UpstreamFetch}). */
  fetch: UpstreamFetch;
  /**
   * The apps this deployment hosts, by name (already narrowed by `ROUTE_APPS`: {@link hostedApps}).
   * When self comes up in an app's order, that app's `fetch` serves the attempt in-process.
   * @default {} (a pure router)
   */
  apps?: AppRegistry;
  /** The `env` hosted apps receive; `ROUTE_SELF` and `ROUTE_RUNTIME` are added. @default {} */
  appEnv?: Readonly<Record<string, unknown>>;
  /** One handler for every app, served in-process when self comes up (used when `apps` has no entry for the app). */
  local?: LocalHandler;
  /** This deployment's provider id (`ROUTE_SELF`). */
  self?: string;
  /** Edge cache store. @default a bounded in-memory LRU ({@link MemoryCache}) */
  cache?: EdgeCache;
  /** Sink of the one structured log line per routed request. @default console.log as JSON */
  log?: (entry: RequestLogEntry) => void;
  /** Runtime name in the log line. */
  runtime?: string;
  /**
   * Drain switch for failover drills: every routed request answers 503 without contacting anyone,
   * so routers in front fall over to the next provider. Health and config paths still answer.
   * @default false
   */
  drain?: boolean;
  /**
   * Reads the chosen answer whole before it becomes the answer, for a runtime that buffers
   * anyway (a BUFFERED Lambda Function URL): a rejection (the body broke off) makes the attempt a
   * failed one, so the next provider is tried. @default none: answers stream through
   */
  settle?: (response: Response) => Promise<Response>;
  /** Monotonic clock for durations, in ms. @default performance.now */
  now?: () => number;
  /** Wall clock for the breaker, the cache and timestamps, in ms. @default Date.now */
  wallNow?: () => number;
  /** Uniform [0, 1) draws for the failback ramp. @default Math.random */
  random?: () => number;
}

/** The fallback router: Request in, Response out. */
export interface Router {
  /**
   * Answers routed paths (`/<app>/api...`, `/_config/route`, `/_router/health`,
   * `/_router/status`) and returns `null` for anything else, which the adapter serves itself
   * (static assets, 404). Never throws.
   */
  handle(request: Request, ctx?: RouterContext): Promise<Response | null>;
  /** {@link Router.handle} with a 404 JSON answer for paths that are not routed. */
  fetch(request: Request, ctx?: RouterContext): Promise<Response>;
}

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/** How one step is sent, given the attempt's signal. */
type Sender = (step: Step) => (signal: AbortSignal) => Promise<Response>;

/** One step's result. */
interface Tried {
  step: Step;
  result: AttemptResult;
}

/** An attempt in a hedge race: the signal that aborts it when the other attempt wins. */
interface RaceEntry {
  signal: AbortSignal;
  hedge: boolean;
}

/** A failed attempt's answer kept in case every other attempt fails too (SPEC 3.7). */
interface Kept {
  response: Response;
  step: Step;
  abort(): void;
}

/**
 * Creates a router over the shared fallback core. The request path reads top to bottom in
 * {@link route}: config, refusals that need no provider, the edge cache, the body, then the
 * attempt loop over pure policies (`attemptPlan.ts`, `attemptPolicy.ts`, `fallbackPolicy.ts`,
 * `exhaustionAnswer.ts`); one {@link RoutedRequest} carries each request's state.
 *
 * @example
 * const router = createRouter({ config: manager, fetch: globalThis.fetch, runtime: 'worker' });
 * export default { fetch: (req, env, ctx) => router.fetch(req, { waitUntil: (p) => ctx.waitUntil(p) }) };
 */
export function createRouter(opts: RouterOptions): Router {
  const now = opts.now ?? (() => performance.now());
  const wallNow = opts.wallNow ?? Date.now;
  const breaker = new CircuitBreaker(wallNow);
  const latency = new LatencyTracker();
  const random = opts.random ?? Math.random;
  const ramp = new FailbackRamp(random);
  let hedgeBudget = new HedgeBudget(DEFAULTS.hedge_budget);
  const cache = opts.cache ?? new MemoryCache(1000, 64 * 1024 * 1024, wallNow);
  const log = opts.log ?? ((entry: RequestLogEntry) => console.log(JSON.stringify(entry)));
  const counters = new UsageCounters();
  const statusFeed = new StatusFeed();
  const apps: AppRegistry = opts.apps ?? {};
  checkAppRegistry(apps);
  const appEnv: AppEnv = { ...(opts.appEnv ?? {}), ROUTE_SELF: opts.self, ROUTE_RUNTIME: opts.runtime };
  const drain = opts.drain === true;
  const hosts = (app: string) => Object.hasOwn(apps, app) || opts.local !== undefined;
  const deps: RequestDeps = {
    now,
    wallNow,
    runtime: opts.runtime,
    emit(entry) {
      statusFeed.record(entry);
      try {
        log(entry);
      } catch {
        // A broken log sink must not break routing.
      }
    },
  };

  async function handle(request: Request, ctx: RouterContext = {}): Promise<Response | null> {
    try {
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        return jsonResponse(400, { error: 'malformed request URL' });
      }
      switch (url.pathname) {
        case '/_config/route':
          return await configRoute({ config: opts.config, self: opts.self, hostedApps: opts.local ? '*' : Object.keys(apps), drain });
        case '/_router/status':
          return await statusRoute(request, { ...opts, breaker, feed: statusFeed, apps, wallNow });
        case '/_router/health':
          return await healthRoute(url, { config: opts.config, breaker, counters, self: opts.self, hosts, drain });
      }
      const app = matchApp(url.pathname);
      return app === null ? null : await route(request, url, app, ctx);
    } catch (error) {
      // Last resort: a bug must cost one 500, never the process, and never show a stack trace.
      console.error(JSON.stringify({ level: 'error', msg: 'router_error', error: String(error) }));
      return jsonResponse(500, { error: 'internal router error' });
    }
  }

  /** One routed request, in the order SPEC 3 gives. */
  async function route(request: Request, url: URL, app: string, ctx: RouterContext): Promise<Response> {
    let req: RoutedRequest;
    try {
      req = new RoutedRequest(request, url, app, ctx, await opts.config.current(), deps);
    } catch {
      return jsonResponse(500, { error: 'Routing configuration not found' });
    }
    const refused = refusal(req);
    if (refused) return refused;
    // Edge cache (edgeCacheStep.ts): a fresh entry answers at once; a stale one waits for every provider failing.
    const edge = new EdgeCacheStep(cache, wallNow, req.settings, request, url);
    const hit = await edge.lookup();
    if (hit) return req.done(hit, null, { cache: 'HIT' });
    const body = await bufferBody(req);
    return body instanceof Response ? body : attemptAll(req, edge, body);
  }

  /** Answers that need no provider, checked in this order; `null` when the request may go on. */
  function refusal(req: RoutedRequest): Response | null {
    const { config, settings, request, url } = req;
    if (drain) {
      // Retry-After: a client talking to this deployment directly learns the condition is temporary.
      const reason = 'this deployment is disabled for a drill (ROUTE_DRAIN)';
      const headers: [string, string][] = [...attemptHeaders(req.attempts), ['retry-after', '30']];
      return req.done(jsonResponse(503, { error: 'draining', app: req.app, reason, attempts: [] }, headers), null, { drained: true });
    }
    if (!hasValidPercentEncoding(url.pathname)) return req.fail(400, 'malformed percent-encoding in path');
    const hops = arrivedHops(request.headers);
    if (hops >= config.maxHops) return req.fail(508, 'loop detected', { hops, max_hops: config.maxHops });
    if (!config.routes.has(req.app) && config.globalPriority.length === 0) return req.fail(404, 'unknown app');
    if (settings.priority.length === 0) return req.fail(503, 'no provider configured for this app');
    const auth = settings.auth;
    if (auth && needsKey(req.method, request.headers, auth) && !timingSafeEqual(request.headers.get(auth.header) ?? '', auth.value)) {
      return req.fail(401, 'unauthorized', { header: auth.header });
    }
    return null;
  }

  /**
   * Buffers the body so every attempt can replay it: bounded in size, in time (the deadline) and
   * in memory shared with other requests (bodyRefusal.ts says what each refusal answers).
   */
  async function bufferBody(req: RoutedRequest): Promise<Uint8Array | null | Response> {
    const { request, method, settings, config } = req;
    if (!request.body || method === 'GET' || method === 'HEAD') return null;
    const read = await readRequestBody(request.body, bodyLimits(request.headers, settings, config, req.remainingMs()));
    // A body that arrived whole but used up the deadline leaves no time to send it anywhere.
    if (read.kind === 'ok' && req.remainingMs() >= 1) return read.body;
    const refusal = bodyRefusal(read.kind === 'ok' ? 'timeout' : read.kind, settings, config);
    return req.fail(refusal.status, refusal.error, refusal.extra, refusal.headers);
  }

  /** The attempt loop (SPEC 3.4-3.7): providers in order until one answers or none is left. */
  async function attemptAll(req: RoutedRequest, edge: EdgeCacheStep, body: Uint8Array | null): Promise<Response> {
    const { config, settings } = req;
    const local = localFor(req.app, req.ctx);
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
    const send = sender(req, body, local);
    let last: Kept | undefined;
    let lastFailure: LastFailure;
    let deadlineHit = false;
    while (queue.hasMore) {
      const remaining = req.remainingMs();
      const budget = attemptBudgetMs(remaining, settings.timeoutMs);
      if (budget === null) {
        [lastFailure, deadlineHit] = ['timeout', true];
        break;
      }
      const step = queue.next();
      if (!step) break;
      // One result, or two when a hedge ran (raceAttempts.ts): each is judged as if it came alone.
      for (const { step: tried, result } of await tryStep(req, queue, step, send, budget)) {
        const { outcome } = result.record;
        const decision = decide(req, result);
        if (decision === 'answer' || (decision === 'stop' && result.response)) {
          drop(last);
          return req.done(await answer(req, result.response!, tried, edge), tried.id, edge.cacheable ? { cache: 'MISS' } : {});
        }
        if (decision === 'stop') {
          const stopped = stoppedAnswer(outcome as 'timeout' | 'error' | 'aborted', req.method, tried.id);
          return req.fail(stopped.status, stopped.error);
        }
        if (result.response) {
          drop(last);
          last = { response: result.response, step: tried, abort: result.abort };
          continue;
        }
        lastFailure = outcome === 'timeout' ? 'timeout' : 'error';
        deadlineHit ||= usedUpDeadline(outcome, remaining, settings.timeoutMs);
      }
      if (deadlineHit) break;
    }
    return exhausted(req, edge, last, lastFailure, deadlineHit);
  }

  /** SPEC 3.4 for one result: answer with it, stop, or go on to the next provider. */
  function decide(req: RoutedRequest, result: AttemptResult) {
    const { outcome, status } = result.record;
    const { fallbackOn, idempotentOnly } = req.settings;
    return decideFallback({ outcome, status, method: req.method, notSent: result.notSent, fallbackOn, idempotentOnly });
  }

  /**
   * Tries one step; for a request that may hedge (hedgePolicy.ts), starts the next provider in
   * parallel when this one has no headers after the hedge delay, within the instance's budget.
   */
  async function tryStep(req: RoutedRequest, queue: AttemptQueue, step: Step, send: Sender, budgetMs: number): Promise<Tried[]> {
    const { settings, config } = req;
    const run = (s: Step, ms: number, hedge: boolean): Racer<Tried> => {
      const race = new AbortController();
      const result = attempt(req, s, send(s), ms, { signal: race.signal, hedge }).then((r) => ({ step: s, result: r }));
      return { result, abort: () => race.abort() };
    };
    const hedgeable = mayHedge(settings.hedgeAfterMs, req.method, req.request.headers.has(HEADER.idempotencyKey));
    if (!hedgeable) return [{ step, result: await attempt(req, step, send(step), budgetMs) }];
    if (hedgeBudget.ratio !== config.hedgeBudget) hedgeBudget = new HedgeBudget(config.hedgeBudget);
    if (req.attempts.length === 0) hedgeBudget.deposit(); // once per request, not per round of its fallback
    const delayMs = hedgeDelayMs(settings.hedgeAfterMs!, latency.p95(step.id), latency.overall(), settings.timeoutMs, budgetMs);
    const primary = run(step, budgetMs, false);
    if (delayMs === null) return [await primary.result];
    // Forced: the primary's breaker just opened, so the slow provider gets no more load and the budget does not apply.
    const startHedge = (forced: boolean) => {
      const ms = attemptBudgetMs(req.remainingMs(), settings.timeoutMs);
      if (ms === null || !queue.hasMore || !(forced || hedgeBudget.tryTake())) return null;
      const next = queue.next();
      if (!next && !forced) hedgeBudget.refund();
      return next ? run(next, ms, true) : null;
    };
    const whenFailing = config.breaker && !step.local ? (fire: () => void) => failing(step.id, config.breaker!, fire) : undefined;
    const settles = (t: Tried) => decide(req, t.result) !== 'next';
    const discard = (t: Tried) => drop(t.result.response ? { ...t.result, response: t.result.response, step: t.step } : undefined);
    return raceAttempts({ primary, delayMs, startHedge, whenFailing, settles, discard });
  }

  /** Calls `fire` when `id`'s breaker opens, or at once when it already is open (it may have opened while the attempt ran). */
  function failing(id: string, settings: BreakerSettings, fire: () => void): () => void {
    if (breaker.state(id, settings).state === 'open') {
      fire();
      return () => {};
    }
    return breaker.onOpen(id, fire);
  }

  /** Runs one attempt, settles an answer that would be chosen, and records it (log, counters, breaker, latency). */
  async function attempt(
    req: RoutedRequest,
    step: Step,
    send: (signal: AbortSignal) => Promise<Response>,
    budgetMs: number,
    race?: RaceEntry,
  ): Promise<AttemptResult> {
    // The slot is taken at the start, so a hedge's two attempts are listed in the order they started.
    const slot = req.attempts.push({ provider: step.id, outcome: 'aborted', ms: 0 }) - 1;
    const signal = race ? AbortSignal.any([req.request.signal, race.signal]) : req.request.signal;
    const result = await runAttempt(step.id, send, budgetMs, signal, now);
    if (opts.settle && result.response && !isFallbackStatus(result.record.status!, req.settings.fallbackOn)) {
      try {
        result.response = await opts.settle(result.response);
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
    const { outcome, status } = result.record;
    counters.add(step.id, outcome === 'status' ? String(status) : outcome);
    // A lost primary's time is a lower bound of its latency (latencyTracker.ts says why it counts).
    if ((outcome === 'status' || (lost && !race!.hedge)) && !step.local) latency.add(step.id, result.record.ms, outcome === 'status');
    const verdict = lost ? lostRaceVerdict(race!.hedge) : breakerVerdict(step.local, result.record);
    if (verdict !== null && req.config.breaker) breaker.record(step.id, verdict, req.config.breaker);
    return result;
  }

  /** Every attempt failed: a stale entry, the last real answer, or a router-made error. */
  async function exhausted(
    req: RoutedRequest,
    edge: EdgeCacheStep,
    last: Kept | undefined,
    lastFailure: LastFailure,
    deadlineHit: boolean,
  ): Promise<Response> {
    counters.addExhausted();
    const stale = edge.stale();
    const verdict = exhaustionAnswer({
      hasStale: stale !== undefined,
      hasLastAnswer: last !== undefined,
      attempts: req.attempts.length,
      lastFailure,
      deadlineHit,
      priority: req.settings.priority.join(''),
      deadlineMs: req.settings.deadlineMs,
    });
    if (verdict.kind === 'stale') {
      drop(last);
      for (const [name, value] of attemptHeaders(req.attempts)) stale!.headers.set(name, value);
      return req.done(stale!, null, { cache: 'STALE' });
    }
    if (verdict.kind === 'last') return req.done(await answer(req, last!.response, last!.step, null), last!.step.id);
    return req.fail(verdict.status, verdict.error, verdict.extra);
  }

  /** How each step is sent: in-process to the local copy, or over HTTP to the provider. */
  function sender(req: RoutedRequest, body: Uint8Array | null, local: LocalHandler | undefined) {
    const { request, url, method, config } = req;
    const forwardHeaders = forwardRequestHeaders(request.headers, {
      clientAddress: req.ctx.clientAddress,
      host: request.headers.get('host') ?? url.host,
      proto: url.protocol.replace(':', ''),
      requestId: req.requestId,
      hops: arrivedHops(request.headers),
    });
    return (step: Step) =>
      (signal: AbortSignal): Promise<Response> => {
        if (step.local) return local!(localRequest(request.url, method, withRequestId(request.headers, req.requestId), body, signal));
        const target = upstreamUrl(config.providers.get(step.id)!, url.pathname, url.search);
        if (target === null) return Promise.reject(Object.assign(new Error('upstream URL left the provider origin'), { notSent: true }));
        return opts.fetch(target, { method, headers: forwardHeaders, body, signal, redirect: 'manual' });
      };
  }

  /**
   * A provider's answer as the client gets it (SPEC 3.5, 3.6), stored in the edge cache when it may be. A Response
   * whose headers may change (one a transport built) is cleaned in place and answered itself: no second Response,
   * and its body is not touched (Node's transport keeps it the socket's stream: functions/node/nodeAnswer.ts).
   * A `fetch()` answer's headers are immutable, and an in-process app may keep its Response: those are copied.
   */
  async function answer(req: RoutedRequest, upstream: Response, step: Step, edge: EdgeCacheStep | null): Promise<Response> {
    const timing = upstream.headers.get('server-timing');
    const own = !step.local && upstream instanceof Response && stripHopByHop(upstream.headers);
    const headers = own ? upstream.headers : clientResponseHeaders(upstream.headers);
    const source = backendSource(req, step);
    if (source !== null) headers.set(HEADER.backendSource, source);
    for (const [name, value] of attemptHeaders(req.attempts, timing)) headers.set(name, value);
    const bodyless = NULL_BODY_STATUS.has(upstream.status) || req.method === 'HEAD';
    if (bodyless) upstream.body?.cancel().catch(() => {});
    // Only a body the edge cache stores is branched (edgeCacheStep.ts); it hands any other back unchanged.
    const branched = edge?.cacheable === true && !bodyless;
    const settled = edge ? await edge.settle(upstream.status, headers, branched ? upstream.body : null, req.ctx) : null;
    if (own && !branched && (!bodyless || upstream.body === null)) return upstream;
    const body = bodyless ? null : branched ? settled : upstream.body;
    try {
      return new Response(body, { status: upstream.status, statusText: upstream.statusText, headers });
    } catch {
      return jsonResponse(502, { error: `provider ${step.id} answered an invalid status ${upstream.status}` });
    }
  }

  function backendSource(req: RoutedRequest, step: Step): string | null {
    if (req.config.backendSource === 'off') return null;
    if (req.config.backendSource === 'id') return step.id;
    return req.config.providers.get(step.id)?.base ?? step.id;
  }

  /** The in-process handler of `app` on this deployment, if it hosts it. */
  function localFor(app: string, ctx: RouterContext): LocalHandler | undefined {
    if (ctx.local) return ctx.local;
    const hosted = Object.hasOwn(apps, app) ? apps[app] : undefined;
    return hosted ? appAttempt(app, hosted, appEnv, appContext(ctx)) : opts.local;
  }

  return {
    handle,
    async fetch(request, ctx) {
      return (await handle(request, ctx)) ?? jsonResponse(404, { error: 'not found' });
    },
  };
}

// A hosted app's third argument; on the Worker, waitUntil is the isolate's own.
function appContext(ctx: RouterContext): AppContext {
  return {
    waitUntil: (promise) => (ctx.waitUntil ? ctx.waitUntil(promise) : void promise.catch(() => {})),
    passThroughOnException() {},
    props: {},
  };
}

/**
 * The Request of an in-process attempt. The attempt's signal is attached as the Request's own
 * `signal` rather than passed to the constructor: Node's Request follows a passed signal through a
 * dependent signal and a finalization registry (~25 us of CPU per attempt, more than the rest of
 * the core), and apps and adapters read `request.signal`, which this is.
 */
function localRequest(url: string, method: string, headers: Headers, body: Uint8Array | null, signal: AbortSignal): Request {
  const request = new Request(url, { method, headers, body: body as BodyInit | null });
  Object.defineProperty(request, 'signal', { value: signal, enumerable: true });
  return request;
}

function withRequestId(headers: Headers, requestId: string): Headers {
  const out = new Headers(headers);
  out.set(HEADER.requestId, requestId);
  return out;
}

function drop(kept: Kept | undefined): void {
  if (!kept) return;
  kept.response.body?.cancel().catch(() => {});
  kept.abort();
}
