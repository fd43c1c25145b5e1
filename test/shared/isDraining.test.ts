import { describe, expect, it } from 'vitest';
import { isDraining } from '../../shared/index.ts';

describe('Function: isDraining', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['', false],
    [' 0 ', false],
    ['False', false],
    ['no', false],
    ['OFF', false],
    ['1', true],
    ['true', true],
    ['yes', true],
  ])('ROUTE_DRAIN=%s -> %s', (value, draining) => {
    expect(isDraining(value === undefined ? {} : { ROUTE_DRAIN: value })).toBe(draining);
  });
});
