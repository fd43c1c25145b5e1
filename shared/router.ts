import { cacheKey, isCacheableRequest, isStorableResponse } from './cachePolicy.ts';
import { CircuitBreaker } from './circuitBreaker.ts';
import type { ConfigManager } from './configManager.ts';
import { HEADER, STALE_IF_ERROR_SECONDS } from './defaults.ts';
import { describeOrders } from './describeOrders.ts';
import { decideFallback } from './fallbackPolicy.ts';
import { arrivedHops, clientResponseHeaders, forwardRequestHeaders } from './headers.ts';
import { jsonResponse } from './jsonResponse.ts';
import { hasValidPercentEncoding, matchApp } from './matchApp.ts';
import { MemoryCache } from './memoryCache.ts';
import type { RouteConfigSnapshot, RouteSettings } from './parseConfig.ts';
import { readCapped } from './readCapped.ts';
import { runAttempt } from './runAttempt.ts';
import { serverTiming } from './serverTiming.ts';
import { timingSafeEqual } from './timingSafeEqual.ts';
import { upstreamUrl } from './upstreamUrl.ts';
import type { AttemptRecord, CachedEntry, EdgeCache, LocalHandler, RequestLogEntry, RouterContext, UpstreamFetch } from './types.ts';
import { UsageCounters } from './usageCounters.ts';

/** Options of {@link createRouter}. */
export interface RouterOptions {
  /** The refreshing, last-known-good config owner. */
  config: ConfigManager;
  /** Upstream transport; the global `fetch` satisfies it (see {@link UpstreamFetch}). */
  fetch: UpstreamFetch;
  /** The deployment's own copy of the apps, served in-process when self comes up. */
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
  /** Monotonic clock for durations, in ms. @default performance.now */
  now?: () => number;
  /** Wall clock for the breaker, the cache and timestamps, in ms. @default Date.now */
  wallNow?: () => number;
}

/** The fallback router: Request in, Response out. */
export interface Router {
  /**
   * Answers routed paths (`/<app>/api...`, `/_config/route`, `/_router/health`) and returns `null`
   * for anything else, which the adapter serves itself (static assets, 404). Never throws.
   */
  handle(request: Request, ctx?: RouterContext): Promise<Response | null>;
  /** {@link Router.handle} with a 404 JSON answer for paths that are not routed. */
  fetch(request: Request, ctx?: RouterContext): Promise<Response>;
}

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

interface Step {
  id: string;
  local: boolean;
  /** Tried although its breaker is open, because every provider of the order was open. */
  force?: boolean;
}

/**
 * Creates a router over the shared fallback core.
 *
 * @example
 * const router = createRouter({ config: manager, fetch: globalThis.fetch, runtime: 'worker' });
 * export default { fetch: (req, env, ctx) => router.fetch(req, { waitUntil: (p) => ctx.waitUntil(p) }) };
 */
export function createRouter(opts: RouterOptions): Router {
  const now = opts.now ?? (() => performance.now());
  const wallNow = opts.wallNow ?? Date.now;
  const breaker = new CircuitBreaker(wallNow);
  const cache = opts.cache ?? new MemoryCache(1000, 64 * 1024 * 1024, wallNow);
  const log = opts.log ?? ((entry: RequestLogEntry) => console.log(JSON.stringify(entry)));
  const counters = new UsageCounters();

  async function handle(request: Request, ctx: RouterContext = {}): Promise<Response | null> {
    try {
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        return jsonResponse(400, { error: 'malformed request URL' });
      }
      if (url.pathname === '/_config/route') return await configRoute();
      if (url.pathname === '/_router/health') return await health();
      const app = matchApp(url.pathname);
      if (app === null) return null;
      return await route(request, url, app, ctx);
    } catch (error) {
      // Last resort: a bug must cost one 500, never the process, and never show a stack trace.
      console.error(JSON.stringify({ level: 'error', msg: 'router_error', error: String(error) }));
      return jsonResponse(500, { error: 'internal router error' });
    }
  }

  async function route(request: Request, url: URL, app: string, ctx: RouterContext): Promise<Response> {
    const started = now();
    const method = request.method.toUpperCase();
    const requestId = request.headers.get(HEADER.requestId) || crypto.randomUUID();
    let config: RouteConfigSnapshot;
    try {
      config = await opts.config.current();
    } catch {
      return jsonResponse(500, { error: 'Routing configuration not found' });
    }
    const attempts: AttemptRecord[] = [];
    const settings = config.routes.get(app) ?? config.unlisted;
    const done = (response: Response, provider: string | null, cacheState?: RequestLogEntry['cache']): Response => {
      emit({ request_id: requestId, app, method, path: url.pathname, attempts, provider, status: response.status, cache: cacheState, started, version: config.version });
      response.headers.set(HEADER.requestId, requestId);
      return response;
    };
    const fail = (status: number, error: string, extra: Record<string, unknown> = {}) =>
      done(
        jsonResponse(status, { error, app, ...extra, attempts: attempts.map(({ provider, outcome, status: s, ms }) => ({ provider, outcome, ...(s ? { status: s } : {}), ms })) }, attemptHeaders(attempts)),
        null,
      );

    if (opts.drain) return fail(503, 'draining: this deployment is disabled for a drill (ROUTE_DRAIN)');
    if (!hasValidPercentEncoding(url.pathname)) return fail(400, 'malformed percent-encoding in path');
    const hops = arrivedHops(request.headers);
    if (hops >= config.maxHops) return fail(508, 'loop detected', { hops, max_hops: config.maxHops });
    if (!config.routes.has(app) && config.globalPriority.length === 0) return fail(404, 'unknown app');
    if (settings.priority.length === 0) return fail(503, 'no provider configured for this app');
    if (settings.auth && (settings.auth.methods === null || settings.auth.methods.has(method))) {
      if (!timingSafeEqual(request.headers.get(settings.auth.header) ?? '', settings.auth.value)) {
        return fail(401, 'unauthorized', { header: settings.auth.header });
      }
    }

    // Edge cache: fresh entries answer at once; stale ones are kept for stale-if-error.
    const cacheable = settings.cache && isCacheableRequest(method, request.headers, settings.auth?.header);
    const key = cacheable ? cacheKey(method, url.pathname, url.search) : '';
    let cached: CachedEntry | undefined;
    if (cacheable) {
      cached = await cache.match(key).catch(() => undefined);
      if (cached) {
        const age = Math.max(0, Math.floor((wallNow() - cached.storedAt) / 1000));
        if (age < settings.cacheTtlSeconds) return done(fromCache(cached.response, 'HIT', age), null, 'HIT');
        if (age >= settings.cacheTtlSeconds + STALE_IF_ERROR_SECONDS) {
          await cached.response.body?.cancel();
          cached = undefined;
        }
      }
    }

    // Buffer the body so every attempt can replay it.
    let body: Uint8Array | null = null;
    if (request.body && method !== 'GET' && method !== 'HEAD') {
      const declared = Number(request.headers.get('content-length') ?? '0');
      const read = declared > settings.maxBodyBytes ? undefined : await readCapped(request.body, settings.maxBodyBytes).catch(() => null);
      if (read === undefined) return fail(413, 'request body too large', { max_body_bytes: settings.maxBodyBytes });
      if (read === null) return fail(400, 'request body could not be read');
      body = read;
    }

    const local = ctx.local ?? opts.local;
    const steps = plan(config, settings, url, request.headers.get(HEADER.noFallback) === '1', local !== undefined);
    const forwardHeaders = forwardRequestHeaders(request.headers, {
      clientAddress: ctx.clientAddress,
      host: request.headers.get('host') ?? url.host,
      proto: url.protocol.replace(':', ''),
      requestId,
      hops,
    });
    const deadlineAt = started + settings.deadlineMs;
    const skipped: Step[] = [];
    let last: { response: Response; step: Step; abort(): void } | undefined;
    let lastFailure: 'timeout' | 'error' | undefined;
    let deadlineHit = false;

    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      const remaining = deadlineAt - now();
      if (remaining < 1) {
        deadlineHit = true;
        lastFailure = 'timeout';
        break;
      }
      if (!step.local && !step.force && config.breaker && !breaker.tryAcquire(step.id, config.breaker)) {
        skipped.push(step);
        // Every provider open: try them in order anyway rather than turn degraded into down.
        if (i === steps.length - 1 && attempts.length === 0) steps.push(...skipped.splice(0).map((s) => ({ ...s, force: true })));
        continue;
      }
      const send = step.local
        ? (signal: AbortSignal) => local!(new Request(request.url, { method, headers: withRequestId(request.headers, requestId), body: body as BodyInit | null, signal }))
        : (signal: AbortSignal) => {
            const target = upstreamUrl(config.providers.get(step.id)!, url.pathname, url.search);
            if (target === null) return Promise.reject(Object.assign(new Error('upstream URL left the provider origin'), { notSent: true }));
            return opts.fetch(target, { method, headers: forwardHeaders, body, signal, redirect: 'manual' });
          };
      const result = await runAttempt(step.id, send, Math.min(settings.timeoutMs, remaining), request.signal, now);
      if (step.local) result.record.local = true;
      attempts.push(result.record);
      const { outcome, status } = result.record;
      counters.add(step.id, outcome === 'status' ? String(status) : outcome);
      if (!step.local && config.breaker && outcome !== 'aborted') {
        breaker.record(step.id, outcome === 'status' && status! < 500, config.breaker);
      }
      const decision = decideFallback({ outcome, status, method, notSent: result.notSent, fallbackOn: settings.fallbackOn, idempotentOnly: settings.idempotentOnly });
      if (decision === 'answer' || (decision === 'stop' && result.response)) {
        if (last) dropResponse(last.response, last.abort);
        return done(await answer(result.response!, step, attempts, config, method, cacheable ? key : null, settings, ctx), step.id, cacheable ? 'MISS' : undefined);
      }
      if (decision === 'stop') {
        if (outcome === 'aborted') return fail(499, 'client closed the request');
        return fail(outcome === 'timeout' ? 504 : 502, `${method} not retried (idempotent_only): provider ${step.id} ${outcome === 'timeout' ? 'timed out' : 'failed'} after the request may have been sent`);
      }
      if (result.response) {
        if (last) dropResponse(last.response, last.abort);
        last = { response: result.response, step, abort: result.abort };
      } else {
        lastFailure = outcome === 'timeout' ? 'timeout' : 'error';
        // An attempt whose budget was the rest of the deadline and that timed out has used the
        // deadline up: stop here (timers may fire a hair early, so "remaining" alone would let a
        // pointless sub-millisecond attempt through).
        if (outcome === 'timeout' && remaining <= settings.timeoutMs) {
          deadlineHit = true;
          break;
        }
      }
    }

    // Every attempt failed.
    counters.addExhausted();
    if (cached) {
      if (last) dropResponse(last.response, last.abort);
      const age = Math.max(0, Math.floor((wallNow() - cached.storedAt) / 1000));
      const stale = fromCache(cached.response, 'STALE', age);
      for (const [name, value] of attemptHeaders(attempts)) stale.headers.set(name, value);
      return done(stale, null, 'STALE');
    }
    if (last) {
      // A real answer beats a router-made error: a 404 from every provider stays a 404.
      return done(await answer(last.response, last.step, attempts, config, method, null, settings, ctx), last.step.id);
    }
    if (attempts.length === 0) return fail(502, 'no provider available', { order: settings.priority.join('') });
    if (lastFailure === 'timeout') return fail(504, deadlineHit ? 'deadline exceeded' : 'all providers failed', { deadline_ms: settings.deadlineMs });
    return fail(502, 'all providers failed');
  }

  // The order for this request: the app's priority with self served in-process (or skipped).
  function plan(config: RouteConfigSnapshot, settings: RouteSettings, url: URL, noFallback: boolean, hasLocal: boolean): Step[] {
    const isSelf = (id: string) => id === opts.self || config.providers.get(id)?.origin === url.origin;
    const steps: Step[] = [];
    for (const id of settings.priority) {
      if (!isSelf(id)) steps.push({ id, local: false });
      else if (hasLocal) steps.push({ id, local: true });
    }
    if (!noFallback) return steps;
    // Sent by another router that chose this deployment: exactly one attempt.
    if (hasLocal) return [{ id: opts.self ?? steps.find((s) => s.local)?.id ?? 'local', local: true }];
    const open = config.breaker;
    const first = steps.find((s) => !open || !breaker.isOpen(s.id, open)) ?? steps[0];
    return first ? [first] : [];
  }

  async function answer(
    upstream: Response,
    step: Step,
    attempts: AttemptRecord[],
    config: RouteConfigSnapshot,
    method: string,
    key: string | null,
    settings: RouteSettings,
    ctx: RouterContext,
  ): Promise<Response> {
    const headers = clientResponseHeaders(upstream.headers);
    const source = backendSource(config, step);
    if (source !== null) headers.set(HEADER.backendSource, source);
    for (const [name, value] of attemptHeaders(attempts, upstream.headers.get('server-timing'))) headers.set(name, value);
    let body = NULL_BODY_STATUS.has(upstream.status) || method === 'HEAD' ? null : upstream.body;
    if (body === null) upstream.body?.cancel().catch(() => {});
    if (key !== null) {
      headers.set(HEADER.cache, 'MISS');
      const probe = new Response(null, { status: upstream.status, headers });
      if (isStorableResponse(probe)) {
        let toStore: ReadableStream<Uint8Array> | null = null;
        if (body) [body, toStore] = body.tee();
        const storedHeaders = new Headers(headers);
        // Per-request facts are not part of the stored answer; a hit reports its own.
        for (const name of [HEADER.cache, HEADER.attempts, 'server-timing']) storedHeaders.delete(name);
        const write = cache
          .put(key, new Response(toStore, { status: 200, headers: storedHeaders }), wallNow(), settings.cacheTtlSeconds + STALE_IF_ERROR_SECONDS)
          .catch(() => {});
        if (ctx.waitUntil) ctx.waitUntil(write);
      }
    }
    try {
      return new Response(body, { status: upstream.status, statusText: upstream.statusText, headers });
    } catch {
      return jsonResponse(502, { error: `provider ${step.id} answered an invalid status ${upstream.status}` });
    }
  }

  function backendSource(config: RouteConfigSnapshot, step: Step): string | null {
    if (config.backendSource === 'off') return null;
    if (config.backendSource === 'id') return step.id;
    return config.providers.get(step.id)?.base ?? step.id;
  }

  function fromCache(response: Response, state: 'HIT' | 'STALE', age: number): Response {
    const headers = new Headers(response.headers);
    headers.set(HEADER.cache, state);
    headers.set('age', String(age));
    headers.set(HEADER.attempts, '0');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }

  function emit(e: { request_id: string; app: string; method: string; path: string; attempts: AttemptRecord[]; provider: string | null; status: number; cache?: RequestLogEntry['cache']; started: number; version: string }): void {
    const entry: RequestLogEntry = {
      level: e.status >= 500 ? 'error' : e.attempts.length > 1 || e.status >= 400 ? 'warn' : 'info',
      msg: 'routed',
      time: new Date(wallNow()).toISOString(),
      request_id: e.request_id,
      app: e.app,
      method: e.method,
      path: e.path,
      attempts: e.attempts,
      provider: e.provider,
      status: e.status,
      ...(e.cache ? { cache: e.cache } : {}),
      ms: Math.round((now() - e.started) * 10) / 10,
      config_version: e.version,
      ...(opts.runtime ? { runtime: opts.runtime } : {}),
    };
    try {
      log(entry);
    } catch {
      // A broken log sink must not break routing.
    }
  }

  async function configRoute(): Promise<Response> {
    let config: RouteConfigSnapshot;
    try {
      config = await opts.config.current();
    } catch {
      return jsonResponse(500, { error: 'Routing configuration not found', ...opts.config.status() });
    }
    return jsonResponse(200, {
      ...opts.config.status(),
      global_priority: config.globalPriority.join(''),
      global_priority_source: config.globalPrioritySource,
      providers: Object.fromEntries([...config.providers].map(([id, p]) => [id, p.base])),
      apps: Object.fromEntries(
        describeOrders(config)
          .filter((o) => o.app !== '*')
          .map((o) => [o.app, { order: o.order, priority_source: o.priority_source }]),
      ),
      self: opts.self ?? null,
      drain: opts.drain === true,
    });
  }

  async function health(): Promise<Response> {
    let config: RouteConfigSnapshot | undefined;
    try {
      config = await opts.config.current();
    } catch {
      config = undefined;
    }
    const providers = Object.fromEntries(
      [...(config?.providers.keys() ?? [])].map((id) => [id, breaker.state(id, config!.breaker)]),
    );
    return jsonResponse(200, { status: 'ok', providers, counters: counters.snapshot(), config_version: config?.version ?? null, drain: opts.drain === true });
  }

  return {
    handle,
    async fetch(request, ctx) {
      return (await handle(request, ctx)) ?? jsonResponse(404, { error: 'not found' });
    },
  };
}

function attemptHeaders(attempts: AttemptRecord[], upstreamTiming?: string | null): [string, string][] {
  const timing = serverTiming(attempts);
  const headers: [string, string][] = [[HEADER.attempts, String(attempts.length)]];
  const combined = [timing, upstreamTiming].filter(Boolean).join(', ');
  if (combined) headers.push(['server-timing', combined]);
  return headers;
}

function withRequestId(headers: Headers, requestId: string): Headers {
  const out = new Headers(headers);
  out.set(HEADER.requestId, requestId);
  return out;
}

function dropResponse(response: Response, abort: () => void): void {
  response.body?.cancel().catch(() => {});
  abort();
}
