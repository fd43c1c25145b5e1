import { describe, expect, it } from 'vitest';
import { arr, bool, either, int, join, obj, oneOf, record, str, type SchemaNode } from '../../shared/schemaKit.ts';

/** Runs one check and returns what it gave back and the issues it pushed. */
function check<T>(node: SchemaNode<T>, value: unknown, path = 'f'): { out: T | undefined; issues: string[] } {
  const issues: string[] = [];
  return { out: node.check(value, path, issues), issues };
}

describe('Module: schemaKit', () => {
  it.each<[string, SchemaNode<unknown>, unknown, string]>([
    ['str: not a string', str(), 5, 'f: expected a string, got number'],
    ['str: null is named null', str(), null, 'f: expected a string, got null'],
    ['str: an array is named array', str(), [], 'f: expected a string, got array'],
    ['str: empty under minLength', str({ minLength: 1 }), '', 'f: must not be empty'],
    ['str: pattern with a hint', str({ pattern: /^a+$/, patternHint: 'must be a run of a' }), 'b', 'f: "b" must be a run of a'],
    ['str: pattern without a hint', str({ pattern: /^a+$/ }), 'b', 'f: "b" does not match ^a+$'],
    ['int: a fraction', int(), 1.5, 'f: expected an integer, got 1.5'],
    ['int: a string', int(), '1', 'f: expected an integer, got string'],
    ['int: below min', int({ min: 1 }), 0, 'f: must be >= 1, got 0'],
    ['int: above max', int({ max: 9 }), 10, 'f: must be <= 9, got 10'],
    ['bool: a string', bool(), 'true', 'f: expected true or false, got string'],
    ['oneOf: outside the set', oneOf(['a', true] as const), 'b', 'f: expected one of "a", true, got "b"'],
    ['arr: not an array', arr(int()), {}, 'f: expected an array, got object'],
    ['arr: too few items', arr(int(), { minItems: 1 }), [], 'f: needs at least 1 item(s)'],
    ['arr: a bad item names its index', arr(int()), [1, 'x'], 'f[1]: expected an integer, got string'],
    ['obj: an array', obj({}), [], 'f: expected an object, got array'],
    ['obj: a missing required key', obj({ a: { schema: int(), required: true } }), {}, 'f.a: required'],
    [
      'obj: a typo suggests the closest key',
      obj({ timeout_ms: { schema: int() } }),
      { timout_ms: 1 },
      'f.timout_ms: unknown key (did you mean "timeout_ms"?)',
    ],
    ['obj: an unknown key far from any known one', obj({ timeout_ms: { schema: int() } }), { zzz: 1 }, 'f.zzz: unknown key'],
    // One suggestion rule with the CLI's (closest, infra/cli/didYouMean.ts): swaps, case, prefixes, short words.
    [
      'obj: two neighbours swapped count as one edit',
      obj({ cache: { schema: bool() } }),
      { cahce: 1 },
      'f.cahce: unknown key (did you mean "cache"?)',
    ],
    ['obj: case is ignored', obj({ cache: { schema: bool() } }), { Cache: 1 }, 'f.Cache: unknown key (did you mean "cache"?)'],
    ['obj: a unique prefix', obj({ timeout_ms: { schema: int() } }), { timeout: 1 }, 'f.timeout: unknown key (did you mean "timeout_ms"?)'],
    ['obj: a short key two edits away is not guessed', obj({ cache: { schema: bool() } }), { cah: 1 }, 'f.cah: unknown key'],
    ['record: null', record(/^[a-z]$/, 'must be a letter', int()), null, 'f: expected an object, got null'],
    ['record: a bad key', record(/^[a-z]$/, 'must be a letter', int()), { '1': 1 }, 'f.1: "1" must be a letter'],
    ['record: a bad value', record(/^[a-z]$/, 'must be a letter', int()), { a: 'x' }, 'f.a: expected an integer, got string'],
    [
      'either: the first alternative decides',
      either(bool(), (v) => typeof v !== 'object', obj({})),
      'x',
      'f: expected true or false, got string',
    ],
    ['either: else the second', either(bool(), (v) => typeof v !== 'object', obj({})), { a: 1 }, 'f.a: unknown key'],
  ])('rejects %s, naming the field', (_name, node, value, message) => {
    // Act
    const { out, issues } = check(node, value);
    // Assess
    expect(out).toBeUndefined();
    expect(issues).toEqual([message]);
  });

  it.each<[string, SchemaNode<unknown>, unknown]>([
    ['str within every constraint', str({ minLength: 1, pattern: /^a+$/ }), 'aa'],
    ['int at its bounds', int({ min: 1, max: 1 }), 1],
    ['bool', bool(), false],
    ['oneOf', oneOf(['a', 'b'] as const), 'b'],
    ['arr', arr(int(), { minItems: 1 }), [1, 2]],
    ['obj without its optional key', obj({ a: { schema: int() } }), {}],
    ['record', record(/^[a-z]$/, 'must be a letter', int()), { a: 1, b: 2 }],
    ['either (second)', either(bool(), (v) => typeof v !== 'object', obj({ a: { schema: int() } })), { a: 1 }],
  ])('accepts %s and returns it', (_name, node, value) => {
    const { out, issues } = check(node, value);
    expect(issues).toEqual([]);
    expect(out).toEqual(value);
  });

  it.each<[string, SchemaNode<unknown>, Record<string, unknown>]>([
    [
      'str with every option',
      str({ pattern: /^a$/, minLength: 1, format: 'uri', description: 'd', default: 'a' }),
      { type: 'string', pattern: '^a$', minLength: 1, format: 'uri', description: 'd', default: 'a' },
    ],
    ['str bare', str(), { type: 'string' }],
    ['int with bounds', int({ min: 0, max: 5, default: 1 }), { type: 'integer', minimum: 0, maximum: 5, default: 1 }],
    ['int bare', int(), { type: 'integer' }],
    ['bool', bool({ description: 'b' }), { type: 'boolean', description: 'b' }],
    ['oneOf', oneOf([true, false] as const), { enum: [true, false] }],
    ['arr with minItems', arr(bool(), { minItems: 2 }), { type: 'array', items: { type: 'boolean' }, minItems: 2 }],
    ['arr bare', arr(bool()), { type: 'array', items: { type: 'boolean' } }],
    [
      'either',
      either(bool(), () => true, int(), { default: false }),
      { anyOf: [{ type: 'boolean' }, { type: 'integer' }], default: false },
    ],
    [
      'obj',
      obj({ a: { schema: bool(), required: true }, b: { schema: int() } }),
      { type: 'object', properties: { a: { type: 'boolean' }, b: { type: 'integer' } }, required: ['a'], additionalProperties: false },
    ],
    [
      'record',
      record(/^x$/, 'hint', bool()),
      { type: 'object', propertyNames: { pattern: '^x$' }, additionalProperties: { type: 'boolean' } },
    ],
  ])('describes %s as JSON Schema', (_name, node, schema) => {
    expect(node.json()).toEqual(schema);
  });

  it('join: a dotted path, or the key alone at the root', () => {
    expect(join('', 'routes')).toBe('routes');
    expect(join('routes', 'task')).toBe('routes.task');
  });
});
