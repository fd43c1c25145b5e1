import { appAttempt } from './appAttempt.ts';
import type { Step } from './attemptPlan.ts';
import { HEADER } from './defaults.ts';
import { arrivedHops, forwardRequestHeaders } from './headers.ts';
import type { RoutedRequest } from './routedRequest.ts';
import type { RouterInstance } from './routerInstance.ts';
import type { AppContext, LocalHandler, RouterContext } from './types.ts';
import { upstreamUrl } from './upstreamUrl.ts';

/** How one step is sent, given the attempt's signal. */
export type Sender = (step: Step) => (signal: AbortSignal) => Promise<Response>;

/**
 * How each step of `req` is sent: in-process to the local copy, or over HTTP to the provider
 * with the forwarded headers (SPEC 3.5), which are built once for all of the request's attempts.
 *
 * @example
 * const send = stepSender(instance, req, body, localFor(instance, req.app, req.ctx));
 * const response = await send({ id: '2', local: false })(signal);
 */
export function stepSender(instance: RouterInstance, req: RoutedRequest, body: Uint8Array | null, local: LocalHandler | undefined): Sender {
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
      return instance.opts.fetch(target, { method, headers: forwardHeaders, body, signal, redirect: 'manual' });
    };
}

/**
 * The in-process handler of `app` on this deployment, if it hosts it: the adapter's own for this
 * request (`ctx.local`), the app from the registry, or the router's one handler for every app.
 */
export function localFor(instance: RouterInstance, app: string, ctx: RouterContext): LocalHandler | undefined {
  if (ctx.local) return ctx.local;
  const { apps, appEnv, opts } = instance;
  const hosted = Object.hasOwn(apps, app) ? apps[app] : undefined;
  return hosted ? appAttempt(app, hosted, appEnv, appContext(ctx)) : opts.local;
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
