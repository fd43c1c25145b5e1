import { describe, expect, it } from 'vitest';
import { jsonSyntaxProblem } from '../../shared/jsonSyntaxError.ts';

describe('Function: jsonSyntaxProblem', () => {
  it.each([
    ['an empty object', '{}'],
    ['an empty array', '[ ]'],
    ['nested values of every kind', '{"a": [1, -2.5e3, "x", true, false, null, {"b": {}}, []], "c": "\\u00e9\\n\\"\\\\"}'],
    ['a bare number with spaces around it', '\n\t 0 \r\n'],
  ])('returns null for valid JSON: %s', (_name, text) => {
    // Prepare: the engine agrees it is JSON
    expect(() => JSON.parse(text)).not.toThrow();
    // Act + Assess
    expect(jsonSyntaxProblem(text)).toBeNull();
  });

  it.each([
    ['an empty text', '', { line: 1, column: 1, path: '(root)', expected: 'a value (string, number, object, array, true, false or null)' }],
    ['text after the value', '{} x', { line: 1, column: 4, path: '(root)', expected: 'the end of the text' }],
    ['an unquoted key', '{a: 1}', { line: 1, column: 2, path: '(root)', expected: 'a "quoted" key' }],
    ['a missing colon', '{"a" 1}', { line: 1, column: 6, path: 'a', expected: '":" after the key' }],
    [
      'an unquoted secret value on line 2',
      '{\n  "a": { "value": s3cret }\n}',
      { line: 2, column: 19, path: 'a.value', expected: 'a value (string, number, object, array, true, false or null)' },
    ],
    ['a missing comma between keys', '{"a": 1 "b": 2}', { line: 1, column: 9, path: 'a', expected: '"," or "}" after the value' }],
    ['a trailing comma in an object', '{"a": 1,}', { line: 1, column: 9, path: '(root)', expected: 'a "quoted" key' }],
    [
      'a bad item in an array',
      '{"p": [1, x]}',
      { line: 1, column: 11, path: 'p[1]', expected: 'a value (string, number, object, array, true, false or null)' },
    ],
    ['a missing comma in an array', '[1 2]', { line: 1, column: 4, path: '[0]', expected: '"," or "]" after the item' }],
    ['an array that never closes', '[1', { line: 1, column: 3, path: '[0]', expected: '"," or "]" after the item' }],
    [
      'a raw newline inside a string',
      '{"a": "x\ny"}',
      { line: 1, column: 9, path: 'a', expected: 'no control character inside a string (escape it)' },
    ],
    [
      'an unknown escape',
      '{"a": "\\x"}',
      { line: 1, column: 8, path: 'a', expected: 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)' },
    ],
    [
      'a short \\u escape',
      '["\\u12"]',
      { line: 1, column: 3, path: '[0]', expected: 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)' },
    ],
    [
      'a backslash at the very end',
      '"\\',
      { line: 1, column: 2, path: '(root)', expected: 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)' },
    ],
    ['a string that never closes', '{"a": "abc', { line: 1, column: 11, path: 'a', expected: 'a closing quote' }],
    [
      'a key that is not an identifier',
      '{"my secret key!": x}',
      { line: 1, column: 20, path: '<key>', expected: 'a value (string, number, object, array, true, false or null)' },
    ],
  ])('locates %s without quoting the text', (_name, text, problem) => {
    // Prepare: the engine agrees it is not JSON
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    // Act
    const found = jsonSyntaxProblem(text);
    // Assess
    expect(found).toEqual(problem);
    expect(JSON.stringify(found)).not.toMatch(/s3cret|my secret/);
  });
});

describe('Function: jsonSyntaxProblem on deep nesting', () => {
  it.each([
    ['20,000 [ then junk', `${'['.repeat(20_000)}x`],
    ['20,000 {"a": then junk', `${'{"a":'.repeat(20_000)}x`],
  ])('%s: a problem naming the nesting limit, never a stack overflow', (_what, text) => {
    const problem = jsonSyntaxProblem(text);
    expect(problem?.expected).toBe('at most 64 levels of nesting');
    expect(problem?.line).toBe(1);
  });

  it('64 levels are still read as JSON', () => {
    expect(jsonSyntaxProblem(`${'['.repeat(64)}${']'.repeat(64)}`)).toBeNull();
  });
});
