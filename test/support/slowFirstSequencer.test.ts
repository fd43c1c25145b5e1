import { describe, expect, it } from 'vitest';
import { SLOW_FIRST, slowFirst } from './slowFirstSequencer.ts';

describe('Function: slowFirst (the order test files start in)', () => {
  const same = (path: string) => path;

  it.each([
    {
      name: 'listed folders first, in list order, the rest after in the given order',
      paths: ['test/shared/a.test.ts', 'test/cli/b.test.ts', 'test/shared/c.test.ts', 'test/conformance/d.test.ts'],
      prefixes: ['test/conformance/', 'test/cli/'],
      expected: ['test/conformance/d.test.ts', 'test/cli/b.test.ts', 'test/shared/a.test.ts', 'test/shared/c.test.ts'],
    },
    {
      name: 'within one entry the given order (vitest timings) is kept',
      paths: ['test/cli/z.test.ts', 'test/cli/a.test.ts'],
      prefixes: ['test/cli/'],
      expected: ['test/cli/z.test.ts', 'test/cli/a.test.ts'],
    },
    {
      name: 'a file listed alone goes before its folder when listed earlier',
      paths: ['test/infra/nag.test.ts', 'test/infra/cdkSynth.test.ts'],
      prefixes: ['test/infra/cdkSynth.test.ts', 'test/infra/'],
      expected: ['test/infra/cdkSynth.test.ts', 'test/infra/nag.test.ts'],
    },
    { name: 'nothing listed: unchanged', paths: ['b', 'a'], prefixes: [], expected: ['b', 'a'] },
  ])('$name', ({ paths, prefixes, expected }) => {
    expect(slowFirst(paths, same, prefixes)).toEqual(expected);
  });

  it('starts the conformance files before the unit tests by default', () => {
    const order = slowFirst(['test/shared/router.test.ts', 'test/conformance/worker.1.test.ts'], same);
    expect(order[0]).toBe('test/conformance/worker.1.test.ts');
    expect(SLOW_FIRST[0]).toBe('test/conformance/');
  });
});
