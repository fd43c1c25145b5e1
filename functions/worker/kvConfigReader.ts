import { KV_CONFIG, type ConfigReader } from '../../shared/index.ts';

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
 * @param kv - The `SETTINGS` binding.
 * @param key - The key to read. @default "route-config"
 * @example
 * const read = createKvConfigReader(env.SETTINGS);
 */
export function createKvConfigReader(kv: KVNamespace, key: string = KV_CONFIG.key): ConfigReader {
  return async () => {
    const text = await kv.get(key, { type: 'text', cacheTtl: KV_CACHE_TTL_SECONDS });
    return text === null ? null : { text };
  };
}
