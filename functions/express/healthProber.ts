import { HEALTH_DOC, probeHealth, type ConfigManager, type Env, type UpstreamFetch } from '../../shared/index.ts';

/**
 * `ROUTE_HEALTH_INTERVAL_S`: seconds between two rounds of the local router's prober (fractions
 * allowed, for tests), `on` for the default interval. Unset, empty, `off` or `0`: no prober, so a
 * plain `serve` routes exactly as SPEC 3 says (priority minus open breakers), as a Worker or Lambda
 * does with no health document; `dev` turns it on for its local stacks. Anything else that is not
 * a positive number means the default interval.
 *
 * @default null (off); `on` = HEALTH_DOC.intervalS (60)
 * @example
 * healthIntervalSeconds({ ROUTE_HEALTH_INTERVAL_S: '0.5' }); // 0.5
 * healthIntervalSeconds({}); // null
 */
export function healthIntervalSeconds(env: Env): number | null {
  const raw = env.ROUTE_HEALTH_INTERVAL_S?.trim().toLowerCase();
  if (!raw || raw === 'off' || raw === '0') return null;
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : HEALTH_DOC.intervalS;
}

/**
 * Seconds before the next round when a round found a provider down (at most the interval): a
 * provider that was only booting or blipped is tried first again within seconds, not a minute.
 */
export const DOWN_RECHECK_S = 2;

/** Options of {@link startHealthProber}. */
export interface HealthProberOptions {
  /** The router's config owner: read for the providers, fed the document ({@link ConfigManager.setHealth}). */
  manager: ConfigManager;
  /** The router's own upstream transport. */
  fetch: UpstreamFetch;
  /** Seconds between the end of one round and the start of the next. @default HEALTH_DOC.intervalS */
  intervalS?: number;
  /** Providers never probed: this router itself (a router sends no HTTP request to itself). @default none */
  skip?: (id: string, base: string) => boolean;
}

/** A running prober. */
export interface HealthProber {
  /** Stops the timer; a round in flight finishes but is not used. */
  stop(): void;
}

/**
 * The local router's in-process prober, the Express counterpart of the Worker's Cron Trigger and
 * the Lambda's EventBridge schedule: a first round at start, then one every `intervalS` (every
 * {@link DOWN_RECHECK_S} while a provider is down), each
 * probing every provider but `skip`ped ones (`probeHealth`) and handing the document to the
 * config owner, the same path a KV or SSM read takes. The timer is unref'd (it never keeps the
 * process alive); rounds never overlap (the next is scheduled when one ends). Never throws.
 *
 * @example
 * const prober = startHealthProber({ manager, fetch: transport, intervalS: 60, skip: (id) => id === self });
 * // on close
 * prober.stop();
 */
export function startHealthProber(opts: HealthProberOptions): HealthProber {
  const intervalS = opts.intervalS ?? HEALTH_DOC.intervalS;
  const skip = opts.skip ?? (() => false);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let anyDown = false;
  const round = async (): Promise<void> => {
    try {
      const config = await opts.manager.current();
      const providers = new Map([...config.providers].filter(([id, p]) => !skip(id, p.base)));
      const doc = await probeHealth({ ...config, providers }, { fetch: opts.fetch, by: 'local', intervalS });
      if (!stopped) opts.manager.setHealth(JSON.stringify(doc));
      anyDown = Object.values(doc.providers).some((p) => !p.up);
    } catch {
      // No usable config right now: no round. The last document goes stale and is then ignored (fail open).
    }
    if (stopped) return;
    timer = setTimeout(() => void round(), (anyDown ? Math.min(intervalS, DOWN_RECHECK_S) : intervalS) * 1000);
    timer.unref();
  };
  void round();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
