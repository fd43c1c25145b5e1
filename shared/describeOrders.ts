import { SSM_STANDARD_MAX_BYTES } from './defaults.ts';
import type { RouteConfigSnapshot } from './parseConfig.ts';

/** One app's effective order, as `validate`, `show` and `/_config/route` print it. */
export interface AppOrder {
  app: string;
  order: string[];
  priority_source: 'config' | 'env';
}

/**
 * Every listed app's effective order, then `*` for apps that fall back to `global_priority`.
 *
 * @example
 * describeOrders(config) // [{ app: 'task', order: ['2', '1', '3'], priority_source: 'config' }, ...]
 */
export function describeOrders(config: RouteConfigSnapshot): AppOrder[] {
  const orders: AppOrder[] = [...config.routes].map(([app, route]) => ({
    app,
    order: [...route.priority],
    priority_source: route.prioritySource,
  }));
  orders.push({ app: '*', order: [...config.globalPriority], priority_source: config.globalPrioritySource });
  return orders;
}

/** Problems that do not reject a config but deserve a warning. */
export function configWarnings(text: string): string[] {
  const bytes = new TextEncoder().encode(text).byteLength;
  return bytes > SSM_STANDARD_MAX_BYTES
    ? [
        `config is ${bytes} bytes: over the ${SSM_STANDARD_MAX_BYTES}-byte limit of an SSM Standard parameter (use the Advanced tier or shorten it)`,
      ]
    : [];
}
