import { describe, expect, it } from 'vitest';
import { hostHeaderProblem } from '../../shared/hostHeader.ts';

// [Host values as received, acceptable]
const table: Array<[string[], boolean]> = [
  [[], true],
  [['example.com'], true],
  [['example.com:8080'], true],
  [['127.0.0.1:65535'], true],
  [['[::1]:8787'], true],
  [['a-b.c_d'], true],
  [['h/open/api/x?'], false],
  [['h?x'], false],
  [['h#x'], false],
  [['a b'], false],
  [['a, b'], false],
  [['a,b'], false],
  [['user@host'], false],
  [['h:99999'], false],
  [['h:65536'], false],
  [['h:'], false],
  [['h:123456'], false],
  [[''], false],
  [['.'], false],
  [['*'], false],
  [['h\u0000'], false],
  [['example.com', 'other.example'], false],
  [['example.com', 'example.com'], false],
];

describe('Function: hostHeaderProblem', () => {
  it.each(table)('%j acceptable: %s', (values, ok) => {
    // Act + Assess
    const problem = hostHeaderProblem(values);
    if (ok) expect(problem).toBeNull();
    else expect(problem).toEqual(expect.any(String));
  });
});
