/** Where a JSON text first stops being JSON, described without quoting any of it. */
export interface JsonSyntaxProblem {
  /** 1-based line and column of the offending character (or of the end of the text). */
  line: number;
  column: number;
  /** Dotted path of the value being read there (`routes.task.auth.value`), `(root)` at the top. */
  path: string;
  /** What the parser needed there, e.g. `a value`, `"," or "}"`. */
  expected: string;
}

/**
 * Locates the first syntax error of a JSON text: line, column, the field being read and what was
 * expected there. It never returns text from the input: the engine's own `SyntaxError` quotes a
 * snippet around the error, which may be a secret typed without quotes (`"value": s3cret`).
 *
 * @returns `null` when the text is valid JSON
 * @example
 * jsonSyntaxProblem('{\n  "a": { "value": s3cret }\n}');
 * // { line: 2, column: 19, path: 'a.value', expected: 'a value' }
 */
export function jsonSyntaxProblem(text: string): JsonSyntaxProblem | null {
  const scanner = new Scanner(text);
  try {
    scanner.skipSpace();
    scanner.value('');
    scanner.skipSpace();
    if (scanner.pos < text.length) scanner.fail('', 'the end of the text');
    return null;
  } catch (error) {
    if (error instanceof ScanError) return error.problem;
    throw error;
  }
}

class ScanError extends Error {
  readonly problem: JsonSyntaxProblem;
  constructor(problem: JsonSyntaxProblem) {
    super('json syntax');
    this.problem = problem;
  }
}

const LITERALS = ['true', 'false', 'null'];
/** A route config nests 4 levels deep; far deeper input is refused, not recursed into (no stack overflow). */
const MAX_DEPTH = 64;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Scanner {
  pos = 0;
  depth = 0;
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }

  fail(path: string, expected: string): never {
    const before = this.text.slice(0, this.pos);
    const line = before.split('\n').length;
    const column = this.pos - before.lastIndexOf('\n');
    throw new ScanError({ line, column, path: path || '(root)', expected });
  }

  skipSpace(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos]!)) this.pos++;
  }

  value(path: string): void {
    const c = this.text[this.pos];
    if (c === '{' || c === '[') {
      if (++this.depth > MAX_DEPTH) this.fail(path, `at most ${MAX_DEPTH} levels of nesting`);
      if (c === '{') this.object(path);
      else this.array(path);
      this.depth--;
      return;
    }
    if (c === '"') {
      this.string(path);
      return;
    }
    const literal = LITERALS.find((l) => this.text.startsWith(l, this.pos));
    if (literal) {
      this.pos += literal.length;
      return;
    }
    NUMBER.lastIndex = this.pos;
    if (NUMBER.test(this.text)) {
      this.pos = NUMBER.lastIndex;
      return;
    }
    this.fail(path, 'a value (string, number, object, array, true, false or null)');
  }

  object(path: string): void {
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail(path, 'a "quoted" key');
      const start = this.pos;
      this.string(path);
      const key = safeKey(this.text.slice(start, this.pos));
      const child = path ? `${path}.${key}` : key;
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail(child, '":" after the key');
      this.pos++;
      this.skipSpace();
      this.value(child);
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (this.text[this.pos] === '}') {
        this.pos++;
        return;
      }
      this.fail(child, '"," or "}" after the value');
    }
  }

  array(path: string): void {
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (let i = 0; ; i++) {
      this.skipSpace();
      this.value(`${path}[${i}]`);
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      if (this.text[this.pos] === ']') {
        this.pos++;
        return;
      }
      this.fail(`${path}[${i}]`, '"," or "]" after the item');
    }
  }

  string(path: string): void {
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (c === '"') {
        this.pos++;
        return;
      }
      if (c < ' ') this.fail(path, 'no control character inside a string (escape it)');
      if (c === '\\') {
        const next = this.text[this.pos + 1];
        if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.pos += 6;
        else if (next !== undefined && '"\\/bfnrt'.includes(next)) this.pos += 2;
        else this.fail(path, 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
        continue;
      }
      this.pos++;
    }
    this.fail(path, 'a closing quote');
  }
}

/** A key as it may appear in a message: config keys are short identifiers; anything else is not shown. */
function safeKey(quoted: string): string {
  const key = quoted.slice(1, -1);
  return /^[A-Za-z0-9_$-]{1,64}$/.test(key) ? key : '<key>';
}
