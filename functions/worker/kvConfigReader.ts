import { HEALTH_DOC, KV_CONFIG, type ConfigReader } from '../../shared/index.ts';

/**
 * Seconds a data center may cache the KV value: KV's minimum, so that a flip by KV key shows up
 * within ~30 s plus `ROUTE_CONFIG_MAX_AGE` rather than KV's default 60 s. Cheap here, since each
 * isolate reads at most once per max-age anyway.
 */
export const KV_CACHE_TTL_SECONDS = 30;

/**
 * A {@link ConfigReader} over a KV namespace: resolves `null` when the key is absent and rejects
 * when KV cannot be reached, which is what lets the `ConfigManager` fall back to last good/baked.
 *
 * The shared health document (`HEALTH_DOC.kvKey`, written by the Worker's Cron prober beside the
 * config) is read in the same call, in parallel: one round trip per max-age for both, and no
 * read at all on the request path. A health read that fails keeps the last document (it goes stale
 * in time): the config alone decides whether the store answered.
 *
 * @param kv - The `SETTINGS` binding.
 * @param key - The key to read. @default "route-config"
 * @param healthKey - The health document's key. @default "route-health"
 * @example
 * const read = createKvConfigReader(env.SETTINGS);
 * const { text, health } = (await read()) ?? {};
 */
export function createKvConfigReader(kv: KVNamespace, key: string = KV_CONFIG.key, healthKey: string = HEALTH_DOC.kvKey): ConfigReader {
  const get = (name: string) => kv.get(name, { type: 'text', cacheTtl: KV_CACHE_TTL_SECONDS });
  return async () => {
    const [text, health] = await Promise.all([get(key), get(healthKey).catch(() => undefined)]);
    return text === null ? null : { text, health };
  };
}
