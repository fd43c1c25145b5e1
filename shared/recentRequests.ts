import type { AttemptRecord, RequestLogEntry } from './types.ts';

/**
 * One routed request as the status page lists it: what the log line says about routing, and
 * nothing the client sent beyond method and path (no query, no body, no header value: not even
 * the request id, which a client may choose).
 */
export interface RecentRequest {
  /** ISO time the answer was sent. */
  time: string;
  app: string;
  method: string;
  path: string;
  status: number;
  /** Provider that answered; `null` for a router-made answer. */
  provider: string | null;
  attempts: readonly AttemptRecord[];
  ms: number;
  cache?: 'HIT' | 'MISS' | 'STALE';
}

/** Longest path kept, in characters: a 64 KB path must not make the ring (or the page) big. */
export const MAX_RECENT_PATH = 160;
/** Longest method kept: any token is a valid method. */
const MAX_RECENT_METHOD = 12;

/**
 * The last N routed requests of this router instance, newest first: a bounded ring buffer fed by
 * the one log line per request. Memory stays bounded whatever clients send (capacity entries,
 * each with capped strings and at most one attempt per provider).
 *
 * @example
 * const recent = new RecentRequests(2);
 * recent.add(entry1); recent.add(entry2); recent.add(entry3);
 * recent.list().length; // 2 (entry3, entry2)
 */
export class RecentRequests {
  readonly #ring: RecentRequest[] = [];
  readonly #capacity: number;
  #next = 0;

  /** @param capacity - how many requests are kept @default 40 */
  constructor(capacity = 40) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RecentRequests capacity must be a positive integer, got ${capacity}`);
    }
    this.#capacity = capacity;
  }

  /** Keeps the routing facts of one log line, dropping the oldest entry when full. */
  add(entry: RequestLogEntry): void {
    const kept: RecentRequest = {
      time: entry.time,
      app: entry.app,
      method: clip(entry.method, MAX_RECENT_METHOD),
      path: clip(entry.path, MAX_RECENT_PATH),
      status: entry.status,
      provider: entry.provider,
      attempts: entry.attempts.map(({ provider, outcome, status, ms, local }) => ({ provider, outcome, status, ms, local })),
      ms: entry.ms,
      ...(entry.cache ? { cache: entry.cache } : {}),
    };
    this.#ring[this.#next] = kept;
    this.#next = (this.#next + 1) % this.#capacity;
  }

  /** The kept requests, newest first. */
  list(): RecentRequest[] {
    const n = this.#ring.length;
    const out: RecentRequest[] = [];
    for (let i = 1; i <= n; i++) out.push(this.#ring[(this.#next - i + n) % n]!);
    return out;
  }
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
