import type { Step } from './attemptPlan.ts';
import { HEADER } from './defaults.ts';
import type { EdgeCacheStep } from './edgeCacheStep.ts';
import { clientResponseHeaders, stripHopByHop } from './headers.ts';
import { jsonResponse } from './jsonResponse.ts';
import { attemptHeaders, type RoutedRequest } from './routedRequest.ts';

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * A provider's answer as the client gets it (SPEC 3.5, 3.6), stored in the edge cache when it may be. A Response
 * whose headers may change (one a transport built) is cleaned in place and answered itself: no second Response,
 * and its body is not touched (Node's transport keeps it the socket's stream: functions/node/nodeAnswer.ts).
 * A `fetch()` answer's headers are immutable, and an in-process app may keep its Response: those are copied.
 * An answer whose status a Response cannot carry becomes a 502 naming the provider.
 *
 * @param edge - the request's edge-cache step; `null` when the answer must not be stored (the last failed answer)
 * @example
 * return req.done(await clientAnswer(req, result.response, step, edge), step.id);
 */
export async function clientAnswer(req: RoutedRequest, upstream: Response, step: Step, edge: EdgeCacheStep | null): Promise<Response> {
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

/** `X-Backend-Source` per the config's `backend_source`: the provider's id, its base URL, or none. */
function backendSource(req: RoutedRequest, step: Step): string | null {
  if (req.config.backendSource === 'off') return null;
  if (req.config.backendSource === 'id') return step.id;
  return req.config.providers.get(step.id)?.base ?? step.id;
}
