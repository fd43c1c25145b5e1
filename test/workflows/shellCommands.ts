/**
 * A deliberately small reader of bash `run:` scripts: it finds every simple command and its
 * words (quotes removed), so that a test can check each command name against what exists.
 *
 * It understands what our workflows use (quotes, `$(...)`, `$((...))`, `${...}`, `[[ ... ]]`,
 * pipes and lists, subshells, redirections, `NAME=value` and `NAME=(...)`, `for ... in`,
 * `if`/`while` and function definitions) and throws {@link ShellSyntaxError} on anything else
 * (heredocs, backticks, `case`), so that an unsupported construct fails loudly instead of hiding
 * a command from the check.
 */

/** One simple command: its words after quote removal, `$VAR` and globs left as written. */
export interface SimpleCommand {
  words: string[];
}

/** Result of reading a script. */
export interface ShellScript {
  commands: SimpleCommand[];
  /** Names defined with `name() { ... }`: calls to them are not external commands. */
  functions: string[];
}

/** A script uses a construct this reader does not support, or is malformed. */
export class ShellSyntaxError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ShellSyntaxError';
  }
}

/** Placeholder that stands for a GitHub `${{ ... }}` expression inside a script. */
export const EXPRESSION_PLACEHOLDER = '__GITHUB_EXPRESSION__';

type Token = { kind: 'word'; text: string } | { kind: 'op'; text: string };

/** Words that start or continue compound commands; the command is the word after them. */
const PREFIX_KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'while', 'until', 'do', '!', '{', 'time']);
/** Words that end a compound command; nothing follows them on their own. */
const CLOSING_KEYWORDS = new Set(['fi', 'done', '}']);
/** Redirection operators: the word after them is a file, not an argument. */
const REDIRECTS = new Set(['>', '>>', '<', '>&', '&>', '<&', '>|']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

/**
 * Reads a bash script and returns every simple command in it, those inside `$(...)` included.
 *
 * @example
 * readShell('npm ci && npx wrangler deploy --dry-run').commands.map((c) => c.words[0])
 * // ['npm', 'npx']
 */
export function readShell(script: string): ShellScript {
  const commands: SimpleCommand[] = [];
  const functions: string[] = [];
  collect(script.replaceAll(/\$\{\{[\s\S]*?\}\}/g, EXPRESSION_PLACEHOLDER), commands, functions);
  return { commands, functions };
}

function collect(script: string, commands: SimpleCommand[], functions: string[]): void {
  const substitutions: string[] = [];
  const tokens = tokenize(script, substitutions);
  for (const inner of substitutions) collect(inner, commands, functions);

  let words: string[] = [];
  let skipUntilSeparator = false;
  const flush = (): void => {
    if (words.length > 0) commands.push({ words });
    words = [];
    skipUntilSeparator = false;
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === 'op') {
      if (REDIRECTS.has(token.text)) {
        i++; // the redirection's target
        continue;
      }
      // `name() {`: a function definition, not a call.
      if (token.text === '(' && words.length === 1 && tokens[i + 1]?.text === ')') {
        functions.push(words[0]);
        words = [];
        i++;
        continue;
      }
      flush();
      continue;
    }
    if (skipUntilSeparator) continue;
    if (words.length === 0) {
      if (PREFIX_KEYWORDS.has(token.text) || CLOSING_KEYWORDS.has(token.text)) continue;
      if (ASSIGNMENT.test(token.text)) continue;
      if (token.text === 'for') {
        // `for NAME in WORDS`: none of these are commands; the body starts after `do`.
        skipUntilSeparator = true;
        continue;
      }
      if (token.text === 'case' || token.text === 'select' || token.text === 'function') {
        throw new ShellSyntaxError(`'${token.text}' is not supported by this reader: write it with if/elif or name() {}`);
      }
    }
    words.push(token.text);
  }
  flush();
}

/** Splits a script into words and operators; `$(...)` bodies go to `substitutions`. */
function tokenize(script: string, substitutions: string[]): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  // Inside `[[ ... ]]`, `&&`, `||`, `<`, `>` and parentheses are part of the test, not operators.
  let inTest = false;
  let i = 0;
  const pushWord = (): void => {
    if (!inWord) return;
    tokens.push({ kind: 'word', text: word });
    if (word === '[[') inTest = true;
    else if (word === ']]' && inTest) inTest = false;
    word = '';
    inWord = false;
  };
  const pushOp = (text: string): void => {
    pushWord();
    tokens.push({ kind: 'op', text });
  };

  while (i < script.length) {
    const c = script[i];
    const next = script[i + 1];

    if (c === '\\') {
      if (next === '\n') {
        i += 2; // line continuation
        continue;
      }
      word += next ?? '';
      inWord = true;
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('unterminated single quote');
      word += script.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      const { text, end } = readDoubleQuoted(script, i + 1, substitutions);
      word += text;
      inWord = true;
      i = end + 1;
      continue;
    }
    if (c === '`') throw new ShellSyntaxError('backticks are not supported: use $(...)');
    if (c === '$') {
      const { text, end } = readDollar(script, i, substitutions);
      word += text;
      inWord = true;
      i = end;
      continue;
    }
    if (c === '#' && !inWord) {
      while (i < script.length && script[i] !== '\n') i++;
      continue;
    }
    if (c === ' ' || c === '\t') {
      pushWord();
      i++;
      continue;
    }
    if (inTest && c !== '\n' && c !== ';') {
      // Inside [[ ]] everything but a line end or `;` is text, split on blanks.
      word += c;
      inWord = true;
      i++;
      continue;
    }
    // `name=(a b c)`: an array assignment is one word.
    if (c === '(' && inWord && /^[A-Za-z_][A-Za-z0-9_]*\+?=$/.test(word)) {
      const end = matchingParen(script, i);
      word += script.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    if (c === '<' && next === '<') throw new ShellSyntaxError('heredocs and here-strings are not supported');
    if (c === '>' || c === '<') {
      // A bare file-descriptor number before a redirection (`2>`) belongs to the operator.
      if (inWord && /^\d+$/.test(word)) {
        word = '';
        inWord = false;
      }
      const two = script.slice(i, i + 2);
      if (two === '>>' || two === '>&' || two === '<&' || two === '>|') {
        pushOp(two);
        i += 2;
      } else {
        pushOp(c);
        i++;
      }
      continue;
    }
    if (c === '&' || c === '|') {
      const two = script.slice(i, i + 2);
      if (two === '&>') {
        pushOp('&>');
        i += 2;
      } else if (two === '&&' || two === '||') {
        pushOp(two);
        i += 2;
      } else {
        pushOp(c);
        i++;
      }
      continue;
    }
    if (c === ';' || c === '\n' || c === '(' || c === ')') {
      if (inTest) inTest = false;
      pushOp(c);
      i++;
      continue;
    }
    word += c;
    inWord = true;
    i++;
  }
  pushWord();
  return tokens;
}

/** Reads a double-quoted string from `start` (after the quote) to its closing quote. */
function readDoubleQuoted(script: string, start: number, substitutions: string[]): { text: string; end: number } {
  let text = '';
  let i = start;
  while (i < script.length) {
    const c = script[i];
    if (c === '"') return { text, end: i };
    if (c === '\\') {
      text += script[i + 1] ?? '';
      i += 2;
      continue;
    }
    if (c === '`') throw new ShellSyntaxError('backticks are not supported: use $(...)');
    if (c === '$') {
      const read = readDollar(script, i, substitutions);
      text += read.text;
      i = read.end;
      continue;
    }
    text += c;
    i++;
  }
  throw new ShellSyntaxError('unterminated double quote');
}

/**
 * Reads what starts with `$` at `start`: `$((...))` and `${...}` stay text, `$(...)` is a command
 * substitution whose body is recorded and stands as `$(...)` in the word.
 */
function readDollar(script: string, start: number, substitutions: string[]): { text: string; end: number } {
  if (script.startsWith('$((', start)) {
    const end = matchingParen(script, start + 1);
    return { text: script.slice(start, end + 1), end: end + 1 };
  }
  if (script[start + 1] === '(') {
    const end = matchingParen(script, start + 1);
    substitutions.push(script.slice(start + 2, end));
    return { text: '$(...)', end: end + 1 };
  }
  if (script[start + 1] === '{') {
    const end = script.indexOf('}', start + 2);
    if (end < 0) throw new ShellSyntaxError('unterminated ${');
    return { text: script.slice(start, end + 1), end: end + 1 };
  }
  return { text: '$', end: start + 1 };
}

/** Index of the `)` that closes the `(` at `open`, skipping quoted text. */
function matchingParen(script: string, open: number): number {
  let depth = 0;
  for (let i = open; i < script.length; i++) {
    const c = script[i];
    if (c === '\\') {
      i++;
    } else if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) break;
      i = end;
    } else if (c === '"') {
      // Nested quotes inside $(...) are balanced on their own; skip to the closing one.
      let j = i + 1;
      while (j < script.length && script[j] !== '"') j += script[j] === '\\' ? 2 : 1;
      i = j;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new ShellSyntaxError(`unbalanced parenthesis at offset ${open}`);
}
