import { jsonResponse } from './jsonResponse.ts';
import type { RouteConfigSnapshot } from './parseConfig.ts';
import { statusAccess } from './statusAccess.ts';
import { statusPage } from './statusPage.ts';
import { statusSnapshot, type StatusSource } from './statusSnapshot.ts';

// Inline style and the empty data: favicon only: an injected tag could load or run nothing.
const CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The page is built from config, paths and provider URLs only: nothing to load, nothing to run. */
const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** What {@link statusRoute} reads: the snapshot's sources and the current config (for the key). */
export type StatusRouteSource = StatusSource & { config: { current(): Promise<RouteConfigSnapshot> } };

/**
 * `GET /_router/status`: the live status page (HTML), or the same snapshot as JSON with
 * `?format=json`. A missing or wrong key answers 401 with no data ({@link statusAccess}); an
 * `Authorization` key also gets `WWW-Authenticate: Basic`, so a browser asks for it and sends it
 * again on every refresh.
 *
 * @example
 * if (url.pathname === '/_router/status') return await statusRoute(request, { ...opts, breaker, feed, apps, wallNow });
 */
export async function statusRoute(request: Request, source: StatusRouteSource): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return jsonResponse(405, { error: 'method not allowed', allow: 'GET, HEAD' }, { allow: 'GET, HEAD' });
  }
  let config: RouteConfigSnapshot;
  try {
    config = await source.config.current();
  } catch {
    // Without a config there is no way to know the key: show nothing.
    return jsonResponse(503, { error: 'Routing configuration not found' });
  }
  const access = statusAccess(request.headers, config);
  if (!access.ok) {
    const basic = access.header.toLowerCase() === 'authorization' ? { 'www-authenticate': 'Basic realm="hadoku-route status"' } : undefined;
    return jsonResponse(401, { error: 'unauthorized', header: access.header }, basic);
  }
  const snapshot = statusSnapshot(source, config);
  if (new URL(request.url).searchParams.get('format') === 'json') return jsonResponse(200, snapshot);
  return new Response(request.method === 'HEAD' ? null : statusPage(snapshot), { status: 200, headers: PAGE_HEADERS });
}
