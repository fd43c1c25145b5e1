import { hostHeaderProblem } from '../../shared/hostHeader.ts';
import { jsonResponse } from '../../shared/jsonResponse.ts';

/**
 * 400 JSON for a request whose `Host` is not a single valid `host[:port]`, else `null` (SPEC 3.0).
 *
 * workerd builds `request.url` from `Host`, so `Host: h/open/api/x?` on `GET /not-routed` arrives
 * as `http://h/open/api/x?/not-routed`, a routed path. Such a request is refused before routing.
 * On Cloudflare the edge answers an unusable `Host` itself; locally, workerd (through Miniflare's
 * entry worker) answers `Host: a b`, a port out of range or the target `*` with its own 500
 * before this Worker runs (logged as "Invalid URL string"): nothing here can change that.
 *
 * @example
 * const refused = refuseBadHost(request);
 * if (refused) return refused;
 */
export function refuseBadHost(request: Request): Response | null {
  const host = request.headers.get('host');
  const problem = hostHeaderProblem(host === null ? [] : [host]);
  return problem === null ? null : jsonResponse(400, { error: problem });
}
