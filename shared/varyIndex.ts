import { varyNames } from './cachePolicy.ts';
import type { EdgeCache } from './types.ts';

/**
 * The small entry an HTTP cache keeps per URL (under its base key) to find a variant: which
 * request headers the URL's answers vary on, and the generation its variants are stored under.
 * Stored as a body-less `Response` so any {@link EdgeCache} store can keep it.
 */
export interface VaryIndex {
  /** Request header names, lower-cased and sorted. */
  names: string[];
  /** Changes when the names change or a write to the URL dropped the URL's variants. */
  generation: string;
  /**
   * When a write to the URL last dropped its variants (ms since the epoch, 0 if never): an answer
   * made before then is already out of date and is never stored.
   */
  droppedAt: number;
}

const NAMES_HEADER = 'x-route-vary-names';
const GENERATION_HEADER = 'x-route-vary-generation';
const DROPPED_AT_HEADER = 'x-route-vary-dropped-at';

/**
 * Reads the vary index stored under `base`; `undefined` when there is none (or it is not one).
 *
 * @example
 * const index = await readVaryIndex(cache, 'GET example.com/x');
 */
export async function readVaryIndex(cache: EdgeCache, base: string): Promise<VaryIndex | undefined> {
  const entry = await cache.match(base);
  if (!entry) return undefined;
  await entry.response.body?.cancel();
  const generation = entry.response.headers.get(GENERATION_HEADER);
  const names = entry.response.headers.get(NAMES_HEADER);
  if (!generation || names === null) return undefined;
  const droppedAt = Number(entry.response.headers.get(DROPPED_AT_HEADER) ?? '0');
  return { names: names.split(',').filter(Boolean), generation, droppedAt: Number.isFinite(droppedAt) ? droppedAt : 0 };
}

/**
 * The index entry for `index`, as a body-less 200 `Response` to put under the base key.
 *
 * @example
 * await cache.put(base, varyIndexResponse({ names: ['accept-language'], generation: 'g1', droppedAt: 0 }), now, 660);
 */
export function varyIndexResponse(index: VaryIndex): Response {
  const headers = new Headers({ [NAMES_HEADER]: index.names.join(','), [GENERATION_HEADER]: index.generation });
  headers.set(DROPPED_AT_HEADER, String(index.droppedAt));
  return new Response(null, { status: 200, headers });
}

/**
 * The index a successful write to the URL leaves (SPEC 6): a new generation, so no variant stored
 * before it is reachable again, marked with the time of the write, so an answer that was still
 * arriving meanwhile is not stored after it.
 *
 * @example
 * await cache.put(base, varyIndexResponse(droppedVaryIndex(Date.now())), now, 660);
 */
export function droppedVaryIndex(at: number): VaryIndex {
  return { names: [], generation: crypto.randomUUID(), droppedAt: at };
}

/**
 * The request headers a stored answer varies on: its `Vary`, plus `Accept-Encoding` whenever it is
 * encoded (a provider that forgets `Vary` must not get a gzip body sent to a client without gzip).
 *
 * @example
 * answerVaryNames(new Headers({ 'content-encoding': 'gzip' })); // ['accept-encoding']
 */
export function answerVaryNames(headers: Headers): string[] {
  const names = varyNames(headers);
  const coding = headers.get('content-encoding')?.trim().toLowerCase();
  if (coding && coding !== 'identity' && !names.includes('accept-encoding')) names.push('accept-encoding');
  return names.sort();
}

/**
 * The index to store with a new variant that varies on `names`: the current one when its names
 * match (the other variants stay reachable), else a new generation; the last write's time is kept.
 *
 * @example
 * nextVaryIndex(await readVaryIndex(cache, base), ['accept-language']);
 */
export function nextVaryIndex(current: VaryIndex | undefined, names: string[]): VaryIndex {
  if (current && current.names.join(',') === names.join(',')) return current;
  return { names, generation: crypto.randomUUID(), droppedAt: current?.droppedAt ?? 0 };
}
