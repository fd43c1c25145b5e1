import { attemptLoop } from './attemptLoop.ts';
import { needsKey } from './authPolicy.ts';
import { bodyLimits, bodyRefusal } from './bodyRefusal.ts';
import { configRoute } from './configRoute.ts';
import { EdgeCacheStep } from './edgeCacheStep.ts';
import { arrivedHops } from './headers.ts';
import { healthRoute } from './healthRoute.ts';
import { jsonResponse } from './jsonResponse.ts';
import { hasValidPercentEncoding, matchApp } from './matchApp.ts';
import { readRequestBody } from './readRequestBody.ts';
import { attemptHeaders, RoutedRequest } from './routedRequest.ts';
import { createRouterInstance, type RouterInstance, type RouterOptions } from './routerInstance.ts';
import { statusRoute } from './statusRoute.ts';
import { timingSafeEqual } from './timingSafeEqual.ts';
import type { RouterContext } from './types.ts';

export type { RouterOptions } from './routerInstance.ts';

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

/**
 * Creates a router over the shared fallback core. The request path reads top to bottom in
 * {@link route}: config, refusals that need no provider, the edge cache, the body, then the
 * attempt loop (`attemptLoop.ts`) over pure policies (`attemptPlan.ts`, `attemptPolicy.ts`,
 * `fallbackPolicy.ts`, `exhaustionAnswer.ts`); one {@link RoutedRequest} carries each request's
 * state and one {@link RouterInstance} what the router keeps between requests.
 *
 * @throws {AppRegistryError} when `opts.apps` holds something that is not an app
 * @example
 * const router = createRouter({ config: manager, fetch: globalThis.fetch, runtime: 'worker' });
 * export default { fetch: (req, env, ctx) => router.fetch(req, { waitUntil: (p) => ctx.waitUntil(p) }) };
 */
export function createRouter(opts: RouterOptions): Router {
  const instance = createRouterInstance(opts);
  const handle = (request: Request, ctx: RouterContext = {}) => handleRequest(instance, request, ctx);
  return {
    handle,
    async fetch(request, ctx) {
      return (await handle(request, ctx)) ?? jsonResponse(404, { error: 'not found' });
    },
  };
}

/** The router's own paths, then routed apps; `null` for any other path. */
async function handleRequest(instance: RouterInstance, request: Request, ctx: RouterContext): Promise<Response | null> {
  const { opts, breaker, counters, apps, drain, wallNow } = instance;
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
        return await statusRoute(request, { ...opts, breaker, feed: instance.statusFeed, apps, wallNow });
      case '/_router/health': {
        const hosts = (app: string) => Object.hasOwn(apps, app) || opts.local !== undefined;
        return await healthRoute(url, { config: opts.config, breaker, counters, self: opts.self, hosts, drain });
      }
    }
    const app = matchApp(url.pathname);
    return app === null ? null : await route(instance, request, url, app, ctx);
  } catch (error) {
    // Last resort: a bug must cost one 500, never the process, and never show a stack trace.
    console.error(JSON.stringify({ level: 'error', msg: 'router_error', error: String(error) }));
    return jsonResponse(500, { error: 'internal router error' });
  }
}

/** One routed request, in the order SPEC 3 gives. */
async function route(instance: RouterInstance, request: Request, url: URL, app: string, ctx: RouterContext): Promise<Response> {
  let req: RoutedRequest;
  try {
    req = new RoutedRequest(request, url, app, ctx, await instance.opts.config.current(), instance.deps);
  } catch {
    return jsonResponse(500, { error: 'Routing configuration not found' });
  }
  const refused = refusal(instance, req);
  if (refused) return refused;
  // Edge cache (edgeCacheStep.ts): a fresh entry answers at once; a stale one waits for every provider failing.
  const edge = new EdgeCacheStep(instance.cache, instance.wallNow, req.settings, request, url);
  const hit = await edge.lookup();
  if (hit) return req.done(hit, null, { cache: 'HIT' });
  const body = await bufferBody(req);
  return body instanceof Response ? body : attemptLoop(instance, req, edge, body);
}

/** Answers that need no provider, checked in this order; `null` when the request may go on. */
function refusal(instance: RouterInstance, req: RoutedRequest): Response | null {
  const { config, settings, request, url } = req;
  if (instance.drain) {
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
