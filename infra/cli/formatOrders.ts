import { appPriorityEnvName, describeOrders, type RouteConfigSnapshot } from '../../shared/index.ts';
import type { ConfigVariable } from './configVariables.ts';

/** The app name `describeOrders` uses for apps without a route (they follow `global_priority`). */
const GLOBAL = '*';

/**
 * Renders each app's effective order and where it comes from, one line per app, for `validate`,
 * `flip` and `show`.
 *
 * @example
 * formatOrders(config)
 * // ['task        2 > 1 > 3  from config',
 * //  '*           2 > 1      from env ROUTE_PRIORITY  (apps without a route)']
 */
export function formatOrders(config: RouteConfigSnapshot, opts: { sources?: boolean } = {}): string[] {
  const sources = opts.sources ?? true;
  const rows = describeOrders(config).map((o) => ({
    app: o.app,
    order: orderText(o.order, o.app === GLOBAL),
    source: !sources
      ? ''
      : o.priority_source === 'env'
        ? `from env ${o.app === GLOBAL ? 'ROUTE_PRIORITY' : appPriorityEnvName(o.app)}`
        : 'from config',
    note: o.app === GLOBAL ? '  (apps without a route)' : '',
  }));
  const appWidth = Math.max(...rows.map((r) => r.app.length));
  const orderWidth = Math.max(...rows.map((r) => r.order.length));
  return rows.map((r) =>
    `${r.app.padEnd(appWidth)}  ${r.order.padEnd(orderWidth)}  ${r.source}${r.note}`.trimEnd().replace(/ {4}\(apps/, '  (apps'),
  );
}

/**
 * Providers and their base URLs as stored, one line each. A `${VAR}` base is never shown
 * substituted (the value may be a secret): beside it, whether this shell sets its variables.
 *
 * @param text - the config text, for the bases as stored
 * @example
 * formatProviders(config, text, variables) // ['1  ${LOCAL_BASE}  (set here)', '2  https://worker.example.com']
 */
export function formatProviders(config: RouteConfigSnapshot, text: string, variables: readonly ConfigVariable[]): string[] {
  const stored = storedBases(text);
  return [...config.providers.values()].map((p) => {
    const base = stored[p.id] ?? p.base;
    const unset = variables.filter((v) => !v.set && base.includes(`\${${v.name}}`)).map((v) => v.name);
    if (!base.includes('${')) return `${p.id}  ${base}`;
    return `${p.id}  ${base}  ${unset.length ? '(not set here)' : '(set here)'}`;
  });
}

/**
 * The `${VAR}`s a config uses and whether this shell sets them, never their values.
 *
 * @example
 * formatVariables(variables) // 'LOCAL_BASE (set here), WORKER_BASE (not set here)'
 */
export function formatVariables(variables: readonly ConfigVariable[]): string {
  return variables.map((v) => `${v.name} (${v.set ? 'set here' : 'not set here'})`).join(', ');
}

/** The `providers` object of a config text, as stored (before any `${VAR}` substitution). */
export function storedBases(text: string): Record<string, string> {
  try {
    const raw = (JSON.parse(text) as { providers?: Record<string, unknown> }).providers ?? {};
    return Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

/**
 * Lines that say how each app's order changes between two configs (`flip`, `push`): unchanged
 * apps are listed too, so the output is the whole picture.
 */
export function formatOrderChanges(before: RouteConfigSnapshot | null, after: RouteConfigSnapshot): string[] {
  const old = new Map(before ? describeOrders(before).map((o) => [o.app, o.order] as const) : []);
  const rows = describeOrders(after).map((o) => {
    const was = old.get(o.app);
    const now = orderText(o.order, o.app === GLOBAL);
    if (was === undefined) return { app: o.app, text: `(new)  ->  ${now}` };
    const wasText = orderText(was, o.app === GLOBAL);
    return { app: o.app, text: wasText === now ? `${now}  (unchanged)` : `${wasText}  ->  ${now}` };
  });
  for (const [app, was] of old) {
    if (!rows.some((r) => r.app === app)) rows.push({ app, text: `${orderText(was, app === GLOBAL)}  ->  (removed)` });
  }
  const width = Math.max(...rows.map((r) => r.app.length));
  return rows.map((r) => `${r.app.padEnd(width)}  ${r.text}`);
}

function orderText(order: readonly string[], global: boolean): string {
  if (order.length) return order.join(' > ');
  return global ? '(none: unknown apps get 404)' : '(empty: answers 503)';
}
