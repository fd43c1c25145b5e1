import { describe, expect, it } from 'vitest';
import { MemoryCache } from '../../shared/index.ts';

const ok = (body: string | null, headers: Record<string, string> = {}) => new Response(body, { status: 200, statusText: 'OK', headers });
const bodyOf = async (cache: MemoryCache, key: string) => {
  const found = await cache.match(key);
  return found === undefined ? undefined : await found.response.text();
};

describe('Class: MemoryCache', () => {
  it('stores an answer with its status, headers and body, and gives a fresh copy on each match', async () => {
    const cache = new MemoryCache(10, 1024, () => 0);
    await cache.put('k', new Response('hello', { status: 203, statusText: 'Fine', headers: { 'x-a': '1' } }), 0, 60);
    const first = await cache.match('k');
    expect(first).toMatchObject({ storedAt: 0 });
    expect(first!.response.status).toBe(203);
    expect(first!.response.statusText).toBe('Fine');
    expect(first!.response.headers.get('x-a')).toBe('1');
    expect(await first!.response.text()).toBe('hello');
    expect(await bodyOf(cache, 'k')).toBe('hello');
  });

  it('an entry past its keep time is gone (and frees its bytes)', async () => {
    let now = 0;
    const cache = new MemoryCache(10, 1024, () => now);
    await cache.put('k', ok('x'), 0, 1);
    now = 999;
    expect(await bodyOf(cache, 'k')).toBe('x');
    now = 1000;
    expect(await cache.match('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it.each<[string, number, number, string[], string[]]>([
    // [name, maxEntries, maxBytes, keys put in order (each body 10 bytes), keys left]
    ['over the entry count: the least recently used goes', 2, 1024, ['a', 'b', 'c'], ['b', 'c']],
    [
      'over the byte budget: the least recently used go until it fits',
      10,
      80,
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'],
      ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'],
    ],
  ])('evicts %s', async (_name, maxEntries, maxBytes, keys, left) => {
    const cache = new MemoryCache(maxEntries, maxBytes, () => 0);
    for (const key of keys) await cache.put(key, ok('0123456789'), 0, 60);
    expect(cache.size).toBe(left.length);
    for (const key of keys) expect(await bodyOf(cache, key)).toBe(left.includes(key) ? '0123456789' : undefined);
  });

  it('a match makes an entry the most recently used', async () => {
    const cache = new MemoryCache(2, 1024, () => 0);
    await cache.put('a', ok('a'), 0, 60);
    await cache.put('b', ok('b'), 0, 60);
    await cache.match('a');
    await cache.put('c', ok('c'), 0, 60);
    expect(await bodyOf(cache, 'a')).toBe('a');
    expect(await cache.match('b')).toBeUndefined();
  });

  it('a body over an eighth of the byte budget is not stored; a replaced entry frees its bytes', async () => {
    const cache = new MemoryCache(10, 80, () => 0);
    await cache.put('big', ok('0123456789x'), 0, 60);
    expect(cache.size).toBe(0);
    await cache.put('k', ok('0123456789'), 0, 60);
    for (let i = 0; i < 20; i++) await cache.put('k', ok('9876543210'), 0, 60);
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) await cache.put(key, ok('0123456789'), 0, 60);
    // 8 entries of 10 bytes fit 80 bytes exactly: the 20 replacements left no phantom bytes behind.
    expect(cache.size).toBe(8);
    expect(await bodyOf(cache, 'k')).toBe('9876543210');
  });

  it('stores an answer without a body', async () => {
    const cache = new MemoryCache(10, 1024, () => 0);
    await cache.put('k', new Response(null, { status: 204 }), 0, 60);
    const found = await cache.match('k');
    expect(found!.response.status).toBe(204);
    expect(found!.response.body).toBeNull();
  });
});
