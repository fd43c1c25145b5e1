import type { HedgingInfo } from './drillReport.ts';
import { RouterUnreachableError } from './errors.ts';

/** The parts of a router's `GET /_config/route` the drill uses (SPEC 2). */
export interface RouteInfo {
  /** Provider id -> base URL. */
  providers: Record<string, string>;
  /** App -> effective order of provider ids (and its `hedge_after_ms`, when the router shows it). */
  apps: Record<string, { order: string[]; hedge_after_ms?: unknown }>;
  /** Order for apps that have no route. */
  global_priority: string;
  /** Whether this router itself is drained (`ROUTE_DRAIN`), when it says. */
  drain?: boolean;
  /** Top-level `hedge_after_ms`, when the router shows it (apps without their own inherit it). */
  hedge_after_ms?: unknown;
}

/**
 * Reads `GET <router>/_config/route`.
 *
 * @param timeoutMs - how long the router has to answer. @default 5000
 * @throws {RouterUnreachableError} when it does not answer, answers another status, or answers
 * something that is not the routing JSON (a different server on that port).
 */
export async function fetchRouteInfo(router: string, timeoutMs = 5000): Promise<RouteInfo> {
  let response: Response;
  try {
    response = await fetch(`${router}/_config/route`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : connectionReason(error);
    throw new RouterUnreachableError(router, reason, { cause: error });
  }
  const text = await response.text().catch(() => '');
  if (response.status !== 200) throw new RouterUnreachableError(router, `HTTP ${response.status}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new RouterUnreachableError(router, 'the answer is not JSON: is this a hadoku-route router?', { cause: error });
  }
  const info = body as Partial<RouteInfo> | null;
  if (!info || typeof info.providers !== 'object' || info.providers === null || typeof info.apps !== 'object' || info.apps === null) {
    throw new RouterUnreachableError(router, 'the answer has no "providers" and "apps": is this a hadoku-route router?');
  }
  return {
    providers: info.providers,
    apps: info.apps,
    global_priority: typeof info.global_priority === 'string' ? info.global_priority : '',
    drain: info.drain,
    ...('hedge_after_ms' in info ? { hedge_after_ms: info.hedge_after_ms } : {}),
  };
}

/** The app the drill sends its traffic to, and where the provider stands in its order. */
export interface DrillApp {
  app: string;
  order: string[];
  /** 0 when the provider is tried first, so it serves the traffic until it is disabled. */
  position: number;
}

/** An app name no config is likely to list, so that it is routed by `global_priority`. */
export const UNLISTED_APP = 'hadoku-drill';

/**
 * Picks the app to drill among those whose order contains `provider` (the listed routes, and an
 * unlisted app when `global_priority` contains it): first an app that has a provider to fall
 * back to after it (else the drill can only show an outage), then the one where it comes
 * earliest (first place means it carries the traffic until disabled), then listed before
 * unlisted, then by name. `null` when
 * no app routes through it.
 */
export function pickDrillApp(info: RouteInfo, provider: string): DrillApp | null {
  const candidates: DrillApp[] = Object.entries(info.apps)
    .map(([app, { order }]) => ({ app, order: [...order], position: order.indexOf(provider) }))
    .filter((c) => c.position >= 0 && /^[a-z0-9-]+$/.test(c.app));
  const global = [...info.global_priority];
  if (global.includes(provider) && !(UNLISTED_APP in info.apps))
    candidates.push({ app: UNLISTED_APP, order: global, position: global.indexOf(provider) });
  const hasFallback = (c: DrillApp): number => (c.position < c.order.length - 1 ? 0 : 1);
  const unlisted = (c: DrillApp): number => (c.app === UNLISTED_APP ? 1 : 0);
  candidates.sort(
    (a, b) => hasFallback(a) - hasFallback(b) || a.position - b.position || unlisted(a) - unlisted(b) || a.app.localeCompare(b.app),
  );
  return candidates[0] ?? null;
}

/** A readable reason for a failed connection (undici puts the socket error in `cause`). */
export function connectionReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code === 'ECONNREFUSED' ? 'connection refused' : cause.code;
  return (cause?.message ?? (error as Error).message ?? String(error)).slice(0, 200);
}

/**
 * Whether the router hedges `app`: its own `/_config/route` when that shows `hedge_after_ms` (the
 * app's, else the top-level one), else what `--config` says, else unknown.
 *
 * @param fromConfig - `hedge_after_ms` of an app as `--config` sets it, when given
 * @example
 * hedgingOf({ ...info, hedge_after_ms: 100 }, 'task') // { after_ms: 100, source: 'router' }
 * hedgingOf(info, 'task', () => null)                 // { after_ms: null, source: 'config' }
 */
export function hedgingOf(info: RouteInfo, app: string, fromConfig?: (app: string) => HedgingInfo['after_ms']): HedgingInfo {
  const shown = info.apps[app]?.hedge_after_ms !== undefined ? info.apps[app]!.hedge_after_ms : info.hedge_after_ms;
  if (shown === null || shown === 'auto' || (typeof shown === 'number' && shown > 0)) return { after_ms: shown, source: 'router' };
  if (fromConfig) return { after_ms: fromConfig(app), source: 'config' };
  return { after_ms: null, source: 'unknown' };
}
