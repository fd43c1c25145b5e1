import { describe, expect, it } from 'vitest';
import { parseConfig, selfProblem } from '../../shared/index.ts';

describe('Function: selfProblem', () => {
  const config = parseConfig(JSON.stringify({ providers: { '1': 'http://one.test', '2': 'http://two.test' }, global_priority: '12' }), {});

  it.each<[string | undefined, string | null]>([
    [undefined, null],
    ['', null],
    ['2', null],
    ['9', 'ROUTE_SELF: unknown provider id "9" (known: 1, 2)'],
  ])('ROUTE_SELF=%s', (self, problem) => {
    expect(selfProblem(self, config)).toBe(problem);
  });

  it('says "none" when the config has no providers', () => {
    expect(selfProblem('1', { ...config, providers: new Map() })).toBe('ROUTE_SELF: unknown provider id "1" (known: none)');
  });
});
