import { describe, expect, it } from 'vitest';
import { upstreamUrl } from '../../shared/index.ts';

describe('Function: upstreamUrl', () => {
  const provider = { id: '1', base: 'http://one.test/base', origin: 'http://one.test', prefix: '/base' };

  it.each<[string, typeof provider, string, string, string | null]>([
    ['origin + prefix + path + query', provider, '/task/api', '?q=1', 'http://one.test/base/task/api?q=1'],
    ['a path without its leading slash gets one', provider, 'task', '', 'http://one.test/base/task'],
    ['a protocol-relative path stays on the origin', { ...provider, prefix: '' }, '//evil.test/x', '', 'http://one.test//evil.test/x'],
    [
      'a path that looks like userinfo stays on the origin',
      { ...provider, prefix: '' },
      '@evil.test/x',
      '',
      'http://one.test/@evil.test/x',
    ],
    // The last line of defence: a provider whose origin does not match what the URL resolves to.
    ['a result that leaves the provider origin is refused', { ...provider, origin: 'http://one.test:80', prefix: '' }, '/x', '', null],
    ['a result that is not a URL is refused', { ...provider, origin: 'http://[bad', prefix: '' }, '/x', '', null],
  ])('%s', (_name, p, pathname, search, expected) => {
    expect(upstreamUrl(p, pathname, search)).toBe(expected);
  });
});
