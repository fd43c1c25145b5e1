import type { RouteConfigSnapshot } from './parseConfig.ts';
import { timingSafeEqual } from './timingSafeEqual.ts';

/** The verdict on one request for `/_router/status` (or `/_router/metrics`). */
export type StatusAccess = { ok: true } | { ok: false; header: string };

/**
 * May this request see the status page? The page shows app names, paths and provider URLs, so it
 * is protected like the routes are, checked in this order:
 *
 * 1. `status_auth` set: only its key opens it.
 * 2. Some route has `auth`: any of those keys opens it (whoever may write to an app may watch the router).
 * 3. No key anywhere: open, like `/_router/health` and `/_config/route`.
 *
 * A refusal names the header to send (never a value). Comparison is timing-safe.
 *
 * @example
 * statusAccess(new Headers(), config); // { ok: false, header: 'X-Admin-Key' } when route "task" has auth
 * statusAccess(new Headers({ 'x-admin-key': 'right' }), config); // { ok: true }
 */
export function statusAccess(headers: Headers, config: RouteConfigSnapshot): StatusAccess {
  const keys = statusKeys(config);
  if (keys.length === 0) return { ok: true };
  // Every key is compared (no early exit), so the time taken does not say which header was close.
  let ok = false;
  for (const key of keys) ok = timingSafeEqual(headers.get(key.header) ?? '', key.value) || ok;
  return ok ? { ok: true } : { ok: false, header: keys[0]!.header };
}

/** The keys that open the status page: `status_auth`, else every route's `auth` key. */
function statusKeys(config: RouteConfigSnapshot): Array<{ header: string; value: string }> {
  if (config.statusAuth) return [config.statusAuth];
  const keys: Array<{ header: string; value: string }> = [];
  for (const route of config.routes.values()) if (route.auth) keys.push({ header: route.auth.header, value: route.auth.value });
  return keys;
}
