import { describe, expect, it, vi } from 'vitest';
import { cacheBaseKey, variantKey } from '../../shared/cacheKey.ts';
import { acceptsContentEncoding, normaliseAcceptEncoding } from '../../shared/contentCoding.ts';
import { answerVaryNames, droppedVaryIndex, nextVaryIndex } from '../../shared/varyIndex.ts';

describe('Function: cacheBaseKey', () => {
  it('holds method, host (lower-cased), path and query', () => {
    expect(cacheBaseKey('GET', 'Edge.Example:8443', '/task/api/x', '?q=1')).toBe('GET edge.example:8443/task/api/x?q=1');
    expect(cacheBaseKey('GET', 'evil.example', '/x', '')).not.toBe(cacheBaseKey('GET', 'edge.example', '/x', ''));
  });
});

describe('Function: variantKey', () => {
  const key = (names: string[], headers: Record<string, string>, generation = 'g1') =>
    variantKey('GET h/x', generation, names, new Headers(headers));

  it('differs by the value of every varied header, and by absent versus empty', async () => {
    const keys = await Promise.all([
      key(['accept-language'], { 'accept-language': 'fr' }),
      key(['accept-language'], { 'accept-language': 'en' }),
      key(['accept-language'], {}),
      key(['accept-language'], { 'accept-language': '' }),
      key(['accept-language'], { 'accept-language': 'fr' }, 'g2'),
    ]);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('ignores headers not varied on, and keeps their values out of the key', async () => {
    const plain = await key(['accept-language'], { 'accept-language': 'fr' });
    expect(await key(['accept-language'], { 'accept-language': 'fr', 'x-user': 'alice' })).toBe(plain);
    expect(await key(['x-user'], { 'x-user': 'alice-secret-id' })).not.toContain('alice');
  });

  it.each<[string, string[], Record<string, string>, boolean]>([
    ['nothing varied on', [], {}, false],
    ['Accept-Encoding alone', ['accept-encoding'], { 'accept-encoding': 'gzip' }, false],
    ['a header that may name a client', ['x-user'], { 'x-user': 'alice' }, true],
    ['Accept-Encoding and another header', ['accept-encoding', 'accept-language'], { 'accept-encoding': 'gzip' }, true],
  ])('%s: digested only when a value needs hiding (a digest is an async job on Node)', async (_, names, headers, digested) => {
    const digest = vi.spyOn(crypto.subtle, 'digest');
    try {
      await key(names, headers);
      expect(digest).toHaveBeenCalledTimes(digested ? 1 : 0);
    } finally {
      digest.mockRestore();
    }
  });

  it('tells nothing varied on from an empty Accept-Encoding, and one coding list from another', async () => {
    const keys = await Promise.all([
      key([], {}),
      key(['accept-encoding'], {}),
      key(['accept-encoding'], { 'accept-encoding': 'gzip' }),
      key(['accept-encoding'], { 'accept-encoding': 'br' }),
    ]);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys[2]).toBe('GET h/x #g1 ae=gzip');
  });

  it('shares one key between spellings of the same Accept-Encoding', async () => {
    const one = await key(['accept-encoding'], { 'accept-encoding': 'gzip, br' });
    expect(await key(['accept-encoding'], { 'accept-encoding': 'BR;q=1,gzip;q=0.5' })).toBe(one);
  });
});

describe('Function: normaliseAcceptEncoding', () => {
  it.each<[string | null, string]>([
    [null, ''],
    ['', ''],
    ['identity', ''],
    ['gzip', 'gzip'],
    ['GZIP;q=0.8', 'gzip'],
    ['x-gzip', 'gzip'],
    ['gzip;q=0', ''],
    ['gzip;q=0.000', ''],
    ['gzip, deflate, br, zstd', 'br,deflate,gzip,zstd'],
    ['*', 'br,deflate,gzip,zstd'],
    ['*, gzip;q=0', 'br,deflate,zstd'],
    ['*;q=0, br', 'br'],
    ['compress, exotic', ''],
  ])('%s -> "%s"', (header, normal) => expect(normaliseAcceptEncoding(header)).toBe(normal));
});

describe('Function: acceptsContentEncoding', () => {
  it.each<[string | null, string | null, boolean]>([
    [null, null, true],
    [null, 'identity', true],
    [null, 'gzip', false],
    ['identity', 'gzip', false],
    ['br', 'gzip', false],
    ['gzip;q=0', 'gzip', false],
    ['gzip', 'gzip', true],
    ['x-gzip', 'gzip', true],
    ['gzip', 'x-gzip', true],
    ['*', 'br', true],
    ['gzip', 'gzip, br', false],
    ['gzip, br', 'gzip, br', true],
  ])('Accept-Encoding %s, Content-Encoding %s -> %s', (accept, coding, ok) => expect(acceptsContentEncoding(accept, coding)).toBe(ok));
});

describe('Function: answerVaryNames', () => {
  it('adds Accept-Encoding for an encoded answer that forgot Vary', () => {
    expect(answerVaryNames(new Headers({ 'content-encoding': 'gzip', vary: 'X-User' }))).toEqual(['accept-encoding', 'x-user']);
    expect(answerVaryNames(new Headers({ 'content-encoding': 'identity' }))).toEqual([]);
  });
});

describe('Function: droppedVaryIndex', () => {
  it('starts a generation of its own, marked with the time of the write', () => {
    const a = droppedVaryIndex(7);
    expect(a).toMatchObject({ names: [], droppedAt: 7 });
    expect(droppedVaryIndex(7).generation).not.toBe(a.generation);
  });
});

describe('Function: nextVaryIndex', () => {
  it('keeps the generation while the names stay, starts a new one when they change', () => {
    const current = { names: ['accept-language'], generation: 'g1', droppedAt: 5 };
    expect(nextVaryIndex(current, ['accept-language'])).toBe(current);
    expect(nextVaryIndex(current, [])).toMatchObject({ names: [], droppedAt: 5 });
    expect(nextVaryIndex(current, []).generation).not.toBe('g1');
    expect(nextVaryIndex(undefined, ['x-user'])).toMatchObject({ names: ['x-user'], droppedAt: 0 });
  });
});
