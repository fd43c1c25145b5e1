/**
 * A tiny schema kit: each node both validates a parsed JSON value (collecting every problem with
 * the field it is about) and describes itself as JSON Schema. One definition therefore drives the
 * runtime validation and the editor schema, and it needs no code generation (`eval`/`new Function`
 * are forbidden inside workerd, which rules out Ajv-style compilers).
 */

/** One schema node. `check` returns the value when valid, `undefined` after pushing issues. */
export interface SchemaNode<T> {
  check(value: unknown, path: string, issues: string[]): T | undefined;
  json(): Record<string, unknown>;
}

type Meta = { description?: string; default?: unknown };

const typeName = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** A string, optionally constrained by a pattern. */
export function str(meta: Meta & { pattern?: RegExp; patternHint?: string; minLength?: number; format?: string } = {}): SchemaNode<string> {
  return {
    check(value, path, issues) {
      if (typeof value !== 'string') {
        issues.push(`${path}: expected a string, got ${typeName(value)}`);
        return undefined;
      }
      if (meta.minLength !== undefined && value.length < meta.minLength) {
        issues.push(`${path}: must not be empty`);
        return undefined;
      }
      if (meta.pattern && !meta.pattern.test(value)) {
        issues.push(`${path}: ${JSON.stringify(value)} ${meta.patternHint ?? `does not match ${meta.pattern.source}`}`);
        return undefined;
      }
      return value;
    },
    json: () => ({
      type: 'string',
      ...(meta.pattern ? { pattern: meta.pattern.source } : {}),
      ...(meta.minLength !== undefined ? { minLength: meta.minLength } : {}),
      ...(meta.format ? { format: meta.format } : {}),
      ...describe(meta),
    }),
  };
}

/** An integer within bounds. */
export function int(meta: Meta & { min?: number; max?: number } = {}): SchemaNode<number> {
  return {
    check(value, path, issues) {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        issues.push(`${path}: expected an integer, got ${typeName(value) === 'number' ? String(value) : typeName(value)}`);
        return undefined;
      }
      if (meta.min !== undefined && value < meta.min) {
        issues.push(`${path}: must be >= ${meta.min}, got ${value}`);
        return undefined;
      }
      if (meta.max !== undefined && value > meta.max) {
        issues.push(`${path}: must be <= ${meta.max}, got ${value}`);
        return undefined;
      }
      return value;
    },
    json: () => ({
      type: 'integer',
      ...(meta.min !== undefined ? { minimum: meta.min } : {}),
      ...(meta.max !== undefined ? { maximum: meta.max } : {}),
      ...describe(meta),
    }),
  };
}

/** A boolean. */
export function bool(meta: Meta = {}): SchemaNode<boolean> {
  return {
    check(value, path, issues) {
      if (typeof value !== 'boolean') {
        issues.push(`${path}: expected true or false, got ${typeName(value)}`);
        return undefined;
      }
      return value;
    },
    json: () => ({ type: 'boolean', ...describe(meta) }),
  };
}

/** One of a fixed set of literal values. */
export function oneOf<T extends string | boolean>(values: readonly T[], meta: Meta = {}): SchemaNode<T> {
  return {
    check(value, path, issues) {
      if (!values.includes(value as T)) {
        issues.push(`${path}: expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}`);
        return undefined;
      }
      return value as T;
    },
    json: () => ({ enum: [...values], ...describe(meta) }),
  };
}

/** The first alternative whose JSON type matches decides (so its messages are the useful ones). */
export function either<A, B>(
  a: SchemaNode<A>,
  aMatches: (value: unknown) => boolean,
  b: SchemaNode<B>,
  meta: Meta = {},
): SchemaNode<A | B> {
  return {
    check(value, path, issues) {
      return aMatches(value) ? a.check(value, path, issues) : b.check(value, path, issues);
    },
    json: () => ({ anyOf: [a.json(), b.json()], ...describe(meta) }),
  };
}

/** An array of items. */
export function arr<T>(item: SchemaNode<T>, meta: Meta & { minItems?: number } = {}): SchemaNode<T[]> {
  return {
    check(value, path, issues) {
      if (!Array.isArray(value)) {
        issues.push(`${path}: expected an array, got ${typeName(value)}`);
        return undefined;
      }
      if (meta.minItems !== undefined && value.length < meta.minItems) {
        issues.push(`${path}: needs at least ${meta.minItems} item(s)`);
        return undefined;
      }
      const before = issues.length;
      const out = value.map((v, i) => item.check(v, `${path}[${i}]`, issues));
      return issues.length === before ? (out as T[]) : undefined;
    },
    json: () => ({
      type: 'array',
      items: item.json(),
      ...(meta.minItems !== undefined ? { minItems: meta.minItems } : {}),
      ...describe(meta),
    }),
  };
}

/** A property of an object schema. */
export interface Prop<T> {
  schema: SchemaNode<T>;
  required?: boolean;
}

type Shape = Record<string, Prop<unknown>>;
type Out<S extends Shape> = { [K in keyof S]?: S[K] extends Prop<infer T> ? T : never };

/**
 * An object with known properties. Unknown keys are errors, so a typo (`timout_ms`) is never
 * silently ignored; the message suggests the closest known key.
 */
export function obj<S extends Shape>(shape: S, meta: Meta = {}): SchemaNode<Out<S>> {
  return {
    check(value, path, issues) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        issues.push(`${path}: expected an object, got ${typeName(value)}`);
        return undefined;
      }
      const before = issues.length;
      const input = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(input)) {
        if (!Object.hasOwn(shape, key)) {
          const hint = closest(key, Object.keys(shape));
          issues.push(`${join(path, key)}: unknown key${hint ? ` (did you mean "${hint}"?)` : ''}`);
        }
      }
      for (const [key, prop] of Object.entries(shape)) {
        if (!Object.hasOwn(input, key)) {
          if (prop.required) issues.push(`${join(path, key)}: required`);
          continue;
        }
        out[key] = prop.schema.check(input[key], join(path, key), issues);
      }
      return issues.length === before ? (out as Out<S>) : undefined;
    },
    json: () => ({
      type: 'object',
      properties: Object.fromEntries(Object.entries(shape).map(([k, p]) => [k, p.schema.json()])),
      required: Object.entries(shape)
        .filter(([, p]) => p.required)
        .map(([k]) => k),
      additionalProperties: false,
      ...describe(meta),
    }),
  };
}

/** An object used as a map: keys match `keyPattern`, values share one schema. */
export function record<T>(keyPattern: RegExp, keyHint: string, value: SchemaNode<T>, meta: Meta = {}): SchemaNode<Record<string, T>> {
  return {
    check(input, path, issues) {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        issues.push(`${path}: expected an object, got ${typeName(input)}`);
        return undefined;
      }
      const before = issues.length;
      const out: Record<string, T> = {};
      for (const [k, v] of Object.entries(input)) {
        if (!keyPattern.test(k)) {
          issues.push(`${join(path, k)}: ${JSON.stringify(k)} ${keyHint}`);
          continue;
        }
        out[k] = value.check(v, join(path, k), issues) as T;
      }
      return issues.length === before ? out : undefined;
    },
    json: () => ({
      type: 'object',
      propertyNames: { pattern: keyPattern.source },
      additionalProperties: value.json(),
      ...describe(meta),
    }),
  };
}

function describe(meta: Meta): Record<string, unknown> {
  return {
    ...(meta.description ? { description: meta.description } : {}),
    ...(meta.default !== undefined ? { default: meta.default } : {}),
  };
}

/** Dotted path for the messages: `routes.task.priority`, `providers.1`. */
export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * The candidate closest to a mistyped word, when one is close enough to be what was meant: at
 * most one edit for words of four characters or fewer, two for longer ones (case ignored, a swap
 * of two neighbours counting as one edit), else a unique prefix of three or more characters
 * (`val` -> `validate`). The one implementation behind a config's "unknown key (did you mean
 * ...?)" and the CLI's suggestions for commands, flags and choices.
 *
 * @example
 * closest('timout_ms', ['timeout_ms', 'cache']) // 'timeout_ms'
 * closest('filp', ['flip', 'show'])             // 'flip'
 * closest('deploy', ['flip', 'show'])           // undefined
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const word = input.toLowerCase();
  // Words of four characters or fewer only get one edit: 'show' -> 'shop' is a guess, not a typo.
  const allowed = word.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  if (best !== undefined) return best;
  const prefixed = candidates.filter((c) => word.length >= 3 && c.toLowerCase().startsWith(word));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

// Levenshtein distance, counting a swap of two neighbours (`filp`) as one edit.
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
