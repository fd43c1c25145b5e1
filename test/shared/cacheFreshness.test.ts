import { describe, expect, it } from 'vitest';
import { entryState, freshness, keepSeconds } from '../../shared/cacheFreshness.ts';

const STORED = Date.parse('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(STORED + seconds * 1000).toUTCString();

describe('Function: freshness (SPEC 6)', () => {
  it.each<[string, Record<string, string>, number, number, boolean]>([
    ['no directive: cache_ttl_seconds', {}, 60, 0, true],
    ['a longer max-age does not lengthen it', { 'cache-control': 'max-age=600' }, 60, 0, true],
    ['a shorter max-age shortens it', { 'cache-control': 'max-age=10' }, 10, 0, true],
    ['s-maxage wins over max-age', { 'cache-control': 'max-age=5, s-maxage=20' }, 20, 0, true],
    ['an invalid max-age is ignored', { 'cache-control': 'max-age=soon' }, 60, 0, true],
    ['Expires relative to Date', { date: at(0), expires: at(30) }, 30, 0, true],
    ['Expires without Date: relative to when stored', { expires: at(25) }, 25, 0, true],
    ['a past Expires: already stale', { date: at(0), expires: at(-30) }, 0, 0, true],
    ['an invalid Expires: already stale', { expires: 'tomorrow-ish' }, 0, 0, true],
    ['max-age beats Expires', { 'cache-control': 'max-age=40', expires: at(-30) }, 40, 0, true],
    ['the Age it arrived with', { age: '7' }, 60, 7, true],
    ['a garbage Age is 0', { age: '-3' }, 60, 0, true],
    ['must-revalidate', { 'cache-control': 'max-age=30, must-revalidate' }, 30, 0, false],
    ['proxy-revalidate', { 'cache-control': 'proxy-revalidate' }, 60, 0, false],
  ])('%s', (_name, headers, lifetime, arrivedAge, mayServeStale) => {
    const expected = { lifetimeSeconds: lifetime, arrivedAgeSeconds: arrivedAge, mayServeStale };
    expect(freshness(new Headers(headers), 60, STORED)).toEqual(expected);
  });
});

describe('Function: entryState', () => {
  const usual = { lifetimeSeconds: 60, arrivedAgeSeconds: 0, mayServeStale: true };
  it.each<[string, typeof usual, number, string]>([
    ['within its lifetime', usual, 59, 'fresh'],
    ['at its lifetime', usual, 60, 'stale'],
    ['10 minutes past it', usual, 659, 'stale'],
    ['more than 10 minutes past it', usual, 660, 'dead'],
    ['must-revalidate past its lifetime', { ...usual, mayServeStale: false }, 60, 'dead'],
    ['already stale on arrival (lifetime 0)', { ...usual, lifetimeSeconds: 0 }, 0, 'stale'],
  ])('%s -> %s', (_name, f, age, state) => expect(entryState(f, age)).toBe(state));
});

describe('Function: keepSeconds', () => {
  it('keeps an entry as long as it can be served, the arrived Age taken off', () => {
    expect(keepSeconds({ lifetimeSeconds: 60, arrivedAgeSeconds: 0, mayServeStale: true })).toBe(660);
    expect(keepSeconds({ lifetimeSeconds: 60, arrivedAgeSeconds: 20, mayServeStale: false })).toBe(40);
    expect(keepSeconds({ lifetimeSeconds: 60, arrivedAgeSeconds: 90, mayServeStale: false })).toBe(0);
  });
});
