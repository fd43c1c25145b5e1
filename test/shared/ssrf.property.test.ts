import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig, upstreamUrl } from '../../shared/index.ts';
import { scriptedRouter } from './routerHarness.ts';

const providers = { '1': 'http://one.test:8080/prefix', '2': 'https://two.test' };
const origins = new Set(['http://one.test:8080', 'https://two.test']);

// Pieces that have let proxies escape their origin in the past.
const tricky = fc.constantFrom(
  '//evil.example',
  '/\\evil.example',
  '%2F%2Fevil.example',
  '@evil.example',
  'http://evil.example/',
  '..',
  '.',
  '%2e%2e',
  '%2E',
  '\\',
  '//',
  '?',
  '#',
  ':',
  '@',
  '%40',
  'evil.example:80',
  '%5C',
  '\t',
  ' ',
  '%00',
  'task',
  'api',
  '/task/api/',
  '%2F',
);
const segment = fc.oneof(tricky, fc.string({ maxLength: 8 }), fc.webSegment());
const path = fc.array(segment, { maxLength: 8 }).map((parts) => parts.join('/'));

describe('Property: no request path yields an upstream origin other than a configured provider', () => {
  it('upstreamUrl keeps the provider origin for any pathname and query', () => {
    const config = parseConfig(JSON.stringify({ providers }), {});
    fc.assert(
      fc.property(path, fc.string({ maxLength: 12 }), fc.constantFrom('1', '2'), (p, query, id) => {
        const url = upstreamUrl(config.providers.get(id)!, p, query ? `?${query}` : '');
        if (url !== null) expect(new URL(url).origin).toBe(config.providers.get(id)!.origin);
      }),
      { numRuns: 2000 },
    );
  });

  it('the router sends every attempt to a provider origin, whatever the request target', async () => {
    const { router, calls } = scriptedRouter({ providers, global_priority: '12' }, { '1': 404, '2': 200 });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          path.map((p) => `/task/api/${p}`),
          path.map((p) => `/${p}`),
          path,
        ),
        async (target) => {
          let request: Request;
          try {
            request = new Request(`http://router.test${target.startsWith('/') ? '' : '/'}${target}`);
          } catch {
            return; // not a request a runtime could hand us
          }
          calls.length = 0;
          await router.handle(request);
          for (const call of calls) expect(origins.has(new URL(call.url).origin)).toBe(true);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
