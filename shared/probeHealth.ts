import { HEALTH_DOC } from './defaults.ts';
import type { HealthDocument, ProviderHealth } from './healthDocument.ts';
import type { RouteConfigSnapshot } from './parseConfig.ts';
import type { UpstreamFetch } from './types.ts';

/** Options of {@link probeHealth}. */
export interface ProbeHealthOptions {
  /** How the prober reaches providers (the runtime's own transport or `fetch`). */
  fetch: UpstreamFetch;
  /** Written into the document (`worker-cron`, `lambda-schedule`, `local`). */
  by: string;
  /** Per probe. @default the config's `timeout_ms` */
  timeoutMs?: number;
  /** @default HEALTH_DOC.intervalS */
  intervalS?: number;
  /** @default Date.now */
  now?: () => number;
  /**
   * This deployment, reported from the inside rather than probed: a Worker's fetch to its own zone
   * does not reach the Worker, and a Lambda calling its own URL would invoke itself.
   */
  self?: { id: string; draining: boolean };
}

/**
 * One probe round: `GET <base>/_router/health` on every provider of the config at once, each
 * bounded by the top-level `timeout_ms`, and the {@link HealthDocument} it adds up to. A provider is
 * down when it refuses, times out, says `"drain": true`, or answers a 5xx that is not a router's
 * own `degraded` verdict (a router with some app degraded still serves the others). Never throws.
 *
 * @example
 * const doc = await probeHealth(config, { fetch, by: 'worker-cron' });
 * await env.SETTINGS.put(HEALTH_DOC.kvKey, JSON.stringify(doc));
 */
export async function probeHealth(config: RouteConfigSnapshot, opts: ProbeHealthOptions): Promise<HealthDocument> {
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? config.unlisted.timeoutMs;
  const entries = await Promise.all(
    [...config.providers.values()].map(async ({ id, base }) => {
      if (id === opts.self?.id) return [id, opts.self.draining ? { ...SELF_UP, up: false, reason: 'draining' } : SELF_UP] as const;
      return [id, await probeOne(`${base}${HEALTH_DOC.probePath}`, opts.fetch, timeoutMs, now)] as const;
    }),
  );
  return {
    version: 1,
    checked_at: new Date(now()).toISOString(),
    interval_s: opts.intervalS ?? HEALTH_DOC.intervalS,
    by: opts.by,
    providers: Object.fromEntries(entries),
  };
}

const SELF_UP: ProviderHealth = { up: true, status: null, ms: 0 };

async function probeOne(url: string, send: UpstreamFetch, timeoutMs: number, now: () => number): Promise<ProviderHealth> {
  const started = now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const init = { method: 'GET', headers: new Headers({ accept: 'application/json' }), body: null, signal, redirect: 'manual' as const };
    const response = await send(url, init);
    const body = await readJson(response);
    const ms = now() - started;
    if (body?.drain === true) return { up: false, status: response.status, ms, reason: 'draining' };
    const routerVerdict = response.status === 503 && body?.status === 'degraded';
    if (response.status >= 500 && !routerVerdict) return { up: false, status: response.status, ms, reason: `status ${response.status}` };
    return { up: true, status: response.status, ms };
  } catch {
    // The reason names the kind only: an error message could carry the URL and its credentials.
    return { up: false, status: null, ms: now() - started, reason: signal.aborted ? 'timeout' : 'connection error' };
  }
}

async function readJson(response: Response): Promise<Record<string, unknown> | null> {
  try {
    const value: unknown = await response.json();
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
