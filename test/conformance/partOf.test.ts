import { describe, expect, it } from 'vitest';
import { partOf } from './runConformance.ts';

describe('Function: partOf (cutting the conformance table into files)', () => {
  const table = Array.from({ length: 7 }, (_v, i) => i);

  it.each([
    { of: 1, parts: [[0, 1, 2, 3, 4, 5, 6]] },
    {
      of: 2,
      parts: [
        [0, 1, 2, 3],
        [4, 5, 6],
      ],
    },
    {
      of: 3,
      parts: [
        [0, 1, 2],
        [3, 4],
        [5, 6],
      ],
    },
    { of: 7, parts: [[0], [1], [2], [3], [4], [5], [6]] },
    { of: 9, parts: [[0], [1], [2], [3], [4], [5], [6], [], []] },
  ])('$of parts: contiguous, near-equal, every row exactly once in table order', ({ of, parts }) => {
    // Act
    const got = Array.from({ length: of }, (_v, i) => partOf(table, { index: i + 1, of }));
    // Assess
    expect(got).toEqual(parts);
    expect(got.flat()).toEqual(table);
  });

  it.each([
    { index: 0, of: 2 },
    { index: 3, of: 2 },
    { index: 1, of: 0 },
    { index: 1.5, of: 2 },
    { index: Number.NaN, of: 2 },
  ])('rejects part $index of $of, naming both', (part) => {
    expect(() => partOf(table, part)).toThrow(/part: index must be 1\.\.of and of >= 1/);
  });
});
