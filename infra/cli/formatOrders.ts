import { appPriorityEnvName, describeOrders, type RouteConfigSnapshot } from '../../shared/index.ts';

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
    source: !sources ? '' : o.priority_source === 'env' ? `from env ${o.app === GLOBAL ? 'ROUTE_PRIORITY' : appPriorityEnvName(o.app)}` : 'from config',
    note: o.app === GLOBAL ? '  (apps without a route)' : '',
  }));
  const appWidth = Math.max(...rows.map((r) => r.app.length));
  const orderWidth = Math.max(...rows.map((r) => r.order.length));
  return rows.map((r) => `${r.app.padEnd(appWidth)}  ${r.order.padEnd(orderWidth)}  ${r.source}${r.note}`.trimEnd().replace(/ {4}\(apps/, '  (apps'));
}

/**
 * Providers and their base URLs, one line each. With `raw` (the stored `providers` object), a
 * `${VAR}` base is shown as stored, and beside it what it resolves to here when that is known.
 */
export function formatProviders(config: RouteConfigSnapshot, raw?: Record<string, unknown>, placeholders: readonly string[] = []): string[] {
  return [...config.providers.values()].map((p) => {
    const stored = typeof raw?.[p.id] === 'string' ? (raw[p.id] as string) : p.base;
    if (!stored.includes('${')) return `${p.id}  ${p.base}`;
    const unresolved = placeholders.some((name) => stored.includes(`\${${name}}`));
    return `${p.id}  ${stored}${unresolved ? '  (not set here)' : `  = ${p.base}`}`;
  });
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
