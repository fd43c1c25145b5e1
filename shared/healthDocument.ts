import { HEALTH_DOC } from './defaults.ts';

/** What one probe of one provider found. */
export interface ProviderHealth {
  /** `false` when the provider did not answer in time, refused, answered 5xx, or says it drains. */
  up: boolean;
  /** HTTP status of the probe, `null` when none arrived. */
  status: number | null;
  /** How long the probe took, in ms. */
  ms: number;
  /** Why it is down, when it is (never a URL with credentials, never a secret). */
  reason?: string;
}

/**
 * The shared health document: written every {@link HEALTH_DOC}.intervalS by one prober per
 * platform (Worker Cron → KV, EventBridge → SSM, in-process locally), read by every router
 * beside its config so a brand-new instance knows which providers are down before its first
 * request. It is advice: a provider marked down is tried last, never removed (fail open).
 *
 * @example
 * { "version": 1, "checked_at": "2026-12-01T00:00:00.000Z", "interval_s": 60, "by": "worker-cron",
 *   "providers": { "1": { "up": false, "status": null, "ms": 2500, "reason": "timeout" } } }
 */
export interface HealthDocument {
  version: 1;
  /** When the probe round finished (ISO 8601). */
  checked_at: string;
  /** The prober's interval; staleness is judged against it. */
  interval_s: number;
  /** Which prober wrote it (`worker-cron`, `lambda-schedule`, `local`). */
  by: string;
  providers: Record<string, ProviderHealth>;
}

/** The document as a router uses it, or why it is ignored. */
export type HealthAdvice = { ok: true; doc: HealthDocument; down: ReadonlySet<string> } | { ok: false; problem: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a stored health document and judges it at `nowMs`. Missing, unparsable, of another
 * shape, or older than `staleIntervals` × its interval: `{ ok: false, problem }` (the caller
 * logs the problem once and routes on its own breaker alone). Never throws.
 *
 * @example
 * const advice = readHealthDocument(text, Date.now());
 * if (advice.ok && advice.down.has('1')) // try provider 1 last
 */
export function readHealthDocument(text: string | null | undefined, nowMs: number): HealthAdvice {
  if (text === null || text === undefined || text === '') return { ok: false, problem: 'health document missing' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'health document is not JSON' };
  }
  const shapeProblem = checkShape(value);
  if (shapeProblem !== null) return { ok: false, problem: `health document invalid: ${shapeProblem}` };
  const doc = value as HealthDocument;
  const ageMs = nowMs - Date.parse(doc.checked_at);
  const maxAgeMs = staleAt(doc) - Date.parse(doc.checked_at);
  if (ageMs > maxAgeMs)
    return { ok: false, problem: `health document stale: checked ${Math.round(ageMs / 1000)} s ago (limit ${maxAgeMs / 1000} s)` };
  return { ok: true, doc, down: new Set(downIds(doc)) };
}

/**
 * Wall time (ms) after which `doc` is stale: {@link HEALTH_DOC}.staleIntervals of its own interval
 * after it was checked. The one staleness rule, for readers that keep a judged document.
 *
 * @example
 * staleAt({ ...doc, checked_at: '2026-12-01T00:00:00.000Z', interval_s: 60 }); // Date.parse('2026-12-01T00:03:00.000Z')
 */
export function staleAt(doc: HealthDocument): number {
  return Date.parse(doc.checked_at) + HEALTH_DOC.staleIntervals * doc.interval_s * 1000;
}

/**
 * The ids of the providers `doc` marks down, in document order.
 *
 * @example
 * downIds(doc); // ['1']
 */
export function downIds(doc: HealthDocument): string[] {
  return Object.entries(doc.providers)
    .filter(([, p]) => !p.up)
    .map(([id]) => id);
}

/** First thing wrong with a parsed document, naming the field, or `null`. */
function checkShape(value: unknown): string | null {
  if (!isObject(value)) return 'not an object';
  if (value.version !== 1) return 'version must be 1';
  if (typeof value.checked_at !== 'string' || Number.isNaN(Date.parse(value.checked_at))) return 'checked_at must be an ISO time';
  if (typeof value.interval_s !== 'number' || !(value.interval_s > 0)) return 'interval_s must be a positive number';
  if (typeof value.by !== 'string') return 'by must be a string';
  if (!isObject(value.providers)) return 'providers must be an object';
  for (const [id, p] of Object.entries(value.providers)) {
    if (!isObject(p) || typeof p.up !== 'boolean') return `providers.${id}.up must be a boolean`;
  }
  return null;
}
