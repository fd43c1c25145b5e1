import { describe, expect, it } from 'vitest';
import type { CachedEntry, EdgeCache } from '../../shared/index.ts';
import { readVaryIndex } from '../../shared/varyIndex.ts';

/** A store holding one entry under `base`, with the given headers. */
const storeWith = (headers: Record<string, string> | null): EdgeCache => ({
  async match(key): Promise<CachedEntry | undefined> {
    return key === 'base' && headers ? { response: new Response(null, { headers }), storedAt: 0 } : undefined;
  },
  async put() {},
});

describe('Function: readVaryIndex', () => {
  it.each<[string, Record<string, string> | null, unknown]>([
    ['no entry', null, undefined],
    ['an entry that is not an index (no generation)', { 'x-route-vary-names': '' }, undefined],
    ['an entry without names', { 'x-route-vary-generation': 'g' }, undefined],
    [
      'an index varying on nothing, never dropped',
      { 'x-route-vary-names': '', 'x-route-vary-generation': 'g' },
      { names: [], generation: 'g', droppedAt: 0 },
    ],
    [
      'an index with names and a drop time',
      { 'x-route-vary-names': 'accept-encoding,accept-language', 'x-route-vary-generation': 'g', 'x-route-vary-dropped-at': '1234' },
      { names: ['accept-encoding', 'accept-language'], generation: 'g', droppedAt: 1234 },
    ],
    [
      'a drop time that is not a number counts as never',
      { 'x-route-vary-names': '', 'x-route-vary-generation': 'g', 'x-route-vary-dropped-at': 'soon' },
      { names: [], generation: 'g', droppedAt: 0 },
    ],
  ])('%s', async (_name, headers, index) => {
    expect(await readVaryIndex(storeWith(headers), 'base')).toEqual(index);
  });
});
