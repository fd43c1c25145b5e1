import {
  downIds,
  HEALTH_DOC,
  probeHealth,
  type ProbeHealthOptions,
  type ConfigManager,
  type HealthDocument,
  type RouteConfigSnapshot,
  type UpstreamFetch,
} from '../../shared/index.ts';

/** What {@link scheduledProbe} needs: the isolate's own config owner and transport, and where to write. */
export interface ScheduledProbeDeps {
  /** The same config owner the isolate routes with (KV, last good, baked), so both see one config. */
  config: ConfigManager;
  /** The Worker's upstream transport. */
  fetch: UpstreamFetch;
  /** The `SETTINGS` namespace: the document goes beside the config, under {@link HEALTH_DOC}.kvKey. */
  kv: KVNamespace;
  /** One JSON line per round. */
  log: (line: Record<string, unknown>) => void;
  /** @default Date.now */
  now?: () => number;
  /** This deployment (`ROUTE_SELF`, drained or not): reported from the inside, not probed. */
  self?: ProbeHealthOptions['self'];
}

/**
 * One Cron Trigger round: probes every provider of the current config and writes the
 * {@link HealthDocument} to KV, where every isolate reads it beside its config. Never throws: a
 * config that cannot be had, or a KV write that fails, skips the round with one log line (the
 * document already in KV turns stale, and readers then ignore it: fail open).
 *
 * @returns the document written, or `null` when the round was skipped
 * @example
 * async scheduled(controller, env, ctx) {
 *   await scheduledProbe({ config, fetch: transport, kv: env.SETTINGS, log });
 * }
 */
export async function scheduledProbe(deps: ScheduledProbeDeps): Promise<HealthDocument | null> {
  let config: RouteConfigSnapshot;
  try {
    config = await deps.config.current();
  } catch (error) {
    deps.log({ level: 'warn', msg: 'health_probe_skipped', reason: `no usable config: ${(error as Error).message}` });
    return null;
  }
  const doc = await probeHealth(config, { fetch: deps.fetch, by: 'worker-cron', now: deps.now, self: deps.self });
  try {
    await deps.kv.put(HEALTH_DOC.kvKey, JSON.stringify(doc));
  } catch (error) {
    deps.log({ level: 'error', msg: 'health_probe_not_stored', reason: `KV put ${HEALTH_DOC.kvKey} failed: ${(error as Error).message}` });
    return null;
  }
  deps.log({ level: 'info', msg: 'health_probe', by: doc.by, down: downIds(doc), providers: Object.keys(doc.providers).length });
  return doc;
}
