import { cacheControl, deltaSeconds } from './cacheControl.ts';
import { STALE_IF_ERROR_SECONDS } from './defaults.ts';

/** How long a stored answer stays fresh, and whether it may ever be served stale (SPEC 6). */
export interface Freshness {
  /** Seconds the answer is fresh for, counted in its age: `cache_ttl_seconds`, shortened by the answer. */
  lifetimeSeconds: number;
  /** The `Age` it arrived with (0 when absent or not a number). */
  arrivedAgeSeconds: number;
  /** `false` when the answer says `must-revalidate` or `proxy-revalidate`: never served `STALE`. */
  mayServeStale: boolean;
}

/**
 * The freshness of a stored answer from its own headers: `cache_ttl_seconds`, shortened by
 * `s-maxage`, else `max-age`, else `Expires` (relative to its `Date`, else to when it was stored;
 * a past or invalid `Expires` means already stale). The `Age` it arrived with counts against it.
 *
 * @param storedAtMs - when the answer was stored, the reference for `Expires` without `Date`
 * @example
 * freshness(new Headers({ 'cache-control': 'max-age=10', age: '4' }), 60, Date.now());
 * // { lifetimeSeconds: 10, arrivedAgeSeconds: 4, mayServeStale: true }
 */
export function freshness(headers: Headers, ttlSeconds: number, storedAtMs: number): Freshness {
  const directives = cacheControl(headers.get('cache-control'));
  const said = deltaSeconds(directives, 's-maxage') ?? deltaSeconds(directives, 'max-age') ?? expiresIn(headers, storedAtMs);
  return {
    lifetimeSeconds: Math.max(0, Math.min(ttlSeconds, said ?? ttlSeconds)),
    arrivedAgeSeconds: arrivedAge(headers),
    mayServeStale: !directives.has('must-revalidate') && !directives.has('proxy-revalidate'),
  };
}

/** What an entry is worth `ageSeconds` after it was made: serve it, keep it for errors, or drop it. */
export type EntryState = 'fresh' | 'stale' | 'dead';

/**
 * Judges an entry whose current age (arrived `Age` + time stored) is `ageSeconds`: fresh within
 * its lifetime; usable as `STALE` up to {@link STALE_IF_ERROR_SECONDS} past it unless it must be
 * revalidated; dead after.
 *
 * @example
 * entryState({ lifetimeSeconds: 60, arrivedAgeSeconds: 0, mayServeStale: true }, 61); // 'stale'
 */
export function entryState(f: Freshness, ageSeconds: number): EntryState {
  if (ageSeconds < f.lifetimeSeconds) return 'fresh';
  return f.mayServeStale && ageSeconds < f.lifetimeSeconds + STALE_IF_ERROR_SECONDS ? 'stale' : 'dead';
}

/**
 * How long a store must keep an entry that is `f` at the time it is stored: as long as it can
 * still be served, fresh or stale; 0 when it can never be served (not worth storing).
 *
 * @example
 * keepSeconds({ lifetimeSeconds: 60, arrivedAgeSeconds: 0, mayServeStale: true }); // 660
 */
export function keepSeconds(f: Freshness): number {
  const usable = f.lifetimeSeconds + (f.mayServeStale ? STALE_IF_ERROR_SECONDS : 0);
  return Math.max(0, usable - f.arrivedAgeSeconds);
}

/** Seconds from the answer's `Date` (or `storedAtMs`) to its `Expires`; 0 when past or invalid; `undefined` without one. */
function expiresIn(headers: Headers, storedAtMs: number): number | undefined {
  const expires = headers.get('expires');
  if (expires === null) return undefined;
  const at = Date.parse(expires);
  if (!Number.isFinite(at)) return 0;
  const date = Date.parse(headers.get('date') ?? '');
  const from = Number.isFinite(date) ? date : storedAtMs;
  return Math.max(0, Math.floor((at - from) / 1000));
}

/** The `Age` an answer arrived with, in whole seconds; 0 when absent or not a non-negative integer. */
function arrivedAge(headers: Headers): number {
  const value = headers.get('age')?.trim() ?? '';
  return /^\d+$/.test(value) ? Number(value) : 0;
}
