import type { ConfigManager } from './configManager.ts';
import { describeOrders } from './describeOrders.ts';
import { jsonResponse } from './jsonResponse.ts';
import type { RouteConfigSnapshot } from './parseConfig.ts';

/** What `GET /_config/route` shows about this deployment besides the config. */
export interface ConfigRouteFacts {
  config: ConfigManager;
  self: string | undefined;
  /** The apps hosted here; `'*'` when one local handler serves every app (middleware mode). */
  hostedApps: readonly string[] | '*';
  drain: boolean;
}

/**
 * `GET /_config/route` (SPEC 2): the effective routing as JSON, where it came from, its version,
 * the last rejected reload; never an auth value. The apps hosted here are listed beside `apps`,
 * not inside it, because SPEC 2 fixes the shape of each app's entry.
 *
 * @example
 * if (url.pathname === '/_config/route') return configRoute({ config, self: '1', hostedApps: ['task'], drain: false });
 */
export async function configRoute(facts: ConfigRouteFacts): Promise<Response> {
  let config: RouteConfigSnapshot;
  try {
    config = await facts.config.current();
  } catch {
    return jsonResponse(500, { error: 'Routing configuration not found', ...facts.config.status() });
  }
  const apps = describeOrders(config)
    .filter((o) => o.app !== '*')
    .map((o) => [o.app, { order: o.order, priority_source: o.priority_source }]);
  return jsonResponse(200, {
    ...facts.config.status(),
    global_priority: config.globalPriority.join(''),
    global_priority_source: config.globalPrioritySource,
    providers: Object.fromEntries([...config.providers].map(([id, p]) => [id, p.base])),
    apps: Object.fromEntries(apps),
    self: facts.self ?? null,
    hosted_apps: facts.hostedApps,
    drain: facts.drain,
  });
}
