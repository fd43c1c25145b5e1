import { describe, expect, it } from 'vitest';
import { declaredLength } from '../../shared/declaredLength.ts';

describe('Function: declaredLength (one reading of Content-Length for the body budget, the cache and its store)', () => {
  it.each<[string | null, number | null | undefined]>([
    [null, null],
    ['0', 0],
    ['17', 17],
    [' 17 ', 17],
    ['', undefined],
    ['-1', undefined],
    ['+5', undefined],
    ['1.5', undefined],
    ['5, 5', undefined],
    ['0x10', undefined],
    ['1e3', undefined],
    ['ten', undefined],
  ])('%j reads as %j', (value, expected) => {
    expect(declaredLength(value)).toBe(expected);
  });
});
