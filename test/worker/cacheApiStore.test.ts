import { describe, expect, it } from 'vitest';
import { CacheApiStore, STORED_AT_HEADER } from '../../functions/worker/cacheApiStore.ts';

/** A store over a cache of its own, so tests never see each other's entries. */
async function store(): Promise<{ store: CacheApiStore; cache: Cache }> {
  const cache = await caches.open(`test-${crypto.randomUUID()}`);
  return { store: new CacheApiStore(cache), cache };
}

describe('Class: CacheApiStore', () => {
  describe('Method: put / match', () => {
    it('gives back the headers the Cache API would act on exactly as the provider sent them', async () => {
      // Prepare
      const { store: s, cache } = await store();
      const expires = new Date(Date.now() + 3600_000).toUTCString();
      const provider = { 'cache-control': 'public, max-age=30', expires, vary: 'Accept-Language', age: '12', etag: '"v1"' };

      // Act
      await s.put('GET edge.example/x', new Response('body', { headers: provider }), 1_800_000_000_000, 42);
      const raw = await cache.match(s.url('GET edge.example/x'));
      const entry = await s.match('GET edge.example/x');

      // Assess: the Cache API keeps it for keepSeconds, varies on nothing, and the provider's headers come back
      expect(raw?.headers.get('cache-control')).toBe('max-age=42');
      expect(raw?.headers.get('vary')).toBeNull();
      await raw?.body?.cancel();
      expect(entry?.storedAt).toBe(1_800_000_000_000);
      for (const [name, value] of Object.entries(provider)) expect(entry?.response.headers.get(name), name).toBe(value);
      expect(entry?.response.headers.get(STORED_AT_HEADER)).toBeNull();
      expect(await entry?.response.text()).toBe('body');
    });

    it("an entry without those headers comes back without them (not with the store's own Cache-Control)", async () => {
      const { store: s } = await store();
      await s.put('k', new Response('x'), 1, 60);
      const entry = await s.match('k');
      expect(entry?.response.headers.get('cache-control')).toBeNull();
      expect(entry?.response.headers.get('expires')).toBeNull();
      await entry?.response.body?.cancel();
    });

    it('keeps a body-less index entry', async () => {
      const { store: s } = await store();
      await s.put('GET edge.example/x', new Response(null, { headers: { 'x-route-vary-names': 'x-user' } }), 1, 60);
      expect((await s.match('GET edge.example/x'))?.response.headers.get('x-route-vary-names')).toBe('x-user');
    });
  });
});
