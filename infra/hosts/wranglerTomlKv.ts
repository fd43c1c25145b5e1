/**
 * Reads and sets the KV namespace id of one stage's binding in wrangler.toml, as a text edit: only
 * the quoted id changes (or one table is added), so every comment, blank line and other block of
 * the file stays byte for byte what it was. A full TOML parse and re-serialise would drop them.
 */

/** What {@link findStageKvId} saw of a stage. */
export interface StageKvBinding {
  /** The file has an `[env.<stage>]` block (or a table under it). */
  hasStage: boolean;
  /** The id of `[[env.<stage>.kv_namespaces]]` with this binding, or null when there is none. */
  id: string | null;
}

/** The result of {@link setStageKvId}: the new text and what changed. */
export interface StageKvEdit {
  text: string;
  action: 'unchanged' | 'replaced' | 'added';
  previousId: string | null;
}

/** The file cannot be edited safely; the message says what to do by hand. */
export class WranglerTomlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WranglerTomlError';
  }
}

interface Line {
  text: string;
  /** Dotted name of the table this line is in ('' before the first header). */
  table: string;
  /** Index of the `[[...]]` entry this line belongs to, when in an array of tables. */
  entry: number;
  header: boolean;
}

const HEADER = /^\s*(\[\[?)\s*([A-Za-z0-9_.\-"' ]+?)\s*\]\]?\s*(#.*)?$/;
const STRING = String.raw`(?:"([^"\\\n]*)"|'([^'\n]*)')`;
const BINDING = new RegExp(String.raw`^\s*binding\s*=\s*${STRING}`);
const ID = new RegExp(String.raw`^(\s*id\s*=\s*)${STRING}(.*)$`);

/**
 * The id wrangler.toml gives `binding` in the stage's `[[env.<stage>.kv_namespaces]]`.
 *
 * @example
 * findStageKvId('[env.dev]\n[[env.dev.kv_namespaces]]\nbinding = "SETTINGS"\nid = "abc"\n', 'dev', 'SETTINGS')
 * // { hasStage: true, id: 'abc' }
 */
export function findStageKvId(text: string, stage: string, binding: string): StageKvBinding {
  const lines = splitLines(toLf(text));
  const hasStage = lines.some((line) => line.header && inStage(line.table, stage));
  if (hasStage) rejectInlineKv(lines, stage);
  return { hasStage, id: entryId(lines, kvTable(stage), binding) };
}

/**
 * The namespace id wrangler uses for `binding`: the stage's `[[env.<stage>.kv_namespaces]]`, or the
 * top level's `[[kv_namespaces]]` without a stage (wrangler does not inherit KV into a stage).
 *
 * @example
 * findKvId('[[kv_namespaces]]\nbinding = "SETTINGS"\nid = "abc"\n', undefined, 'SETTINGS') // 'abc'
 */
export function findKvId(text: string, stage: string | undefined, binding: string): string | null {
  return entryId(splitLines(toLf(text)), stage === undefined ? 'kv_namespaces' : kvTable(stage), binding);
}

function entryId(lines: Line[], table: string, binding: string): string | null {
  const entry = findEntry(lines, table, binding);
  if (entry === undefined) return null;
  const idLine = lines.find((line) => isEntryLine(line, table, entry) && ID.test(line.text));
  const match = idLine ? ID.exec(idLine.text) : null;
  return match ? (match[2] ?? match[3] ?? null) : null;
}

function kvTable(stage: string): string {
  return `env.${stage}.kv_namespaces`;
}

/**
 * Sets the stage's id for `binding`: replaces the quoted value when the table has one, else adds
 * a `[[env.<stage>.kv_namespaces]]` table after the stage's last table. Throws
 * {@link WranglerTomlError} when the stage has no `[env.<stage>]` block.
 *
 * @example
 * setStageKvId(text, 'dev', 'SETTINGS', '0f1e2d3c4b5a69788796a5b4c3d2e1f0').action // 'replaced'
 */
export function setStageKvId(text: string, stage: string, binding: string, id: string): StageKvEdit {
  const found = findStageKvId(text, stage, binding);
  if (!found.hasStage) throw new WranglerTomlError(noStageMessage(stage));
  if (found.id === id) return { text, action: 'unchanged', previousId: id };
  const edit = editLines(splitLines(toLf(text)), stage, binding, id);
  return { ...edit, text: isCrlf(text) ? edit.text.replace(/\n/g, '\r\n') : edit.text, previousId: found.id };
}

function editLines(lines: Line[], stage: string, binding: string, id: string): { text: string; action: 'replaced' | 'added' } {
  const table = kvTable(stage);
  const entry = findEntry(lines, table, binding);
  if (entry !== undefined) {
    const at = lines.findIndex((line) => isEntryLine(line, table, entry) && ID.test(line.text));
    if (at >= 0) {
      lines[at] = { ...lines[at], text: lines[at].text.replace(ID, (_all, lead: string, _d, _s, rest: string) => `${lead}"${id}"${rest}`) };
      return { text: joinLines(lines), action: 'replaced' };
    }
    // The binding's table has no id line: add it right after the binding line.
    const bindingAt = lines.findIndex((line) => isEntryLine(line, table, entry) && BINDING.test(line.text));
    lines.splice(bindingAt + 1, 0, { ...lines[bindingAt], text: `id = "${id}"` });
    return { text: joinLines(lines), action: 'added' };
  }
  const last = lastContentLine(lines, stage);
  const added = ['', `[[${table}]]`, `binding = "${binding}"`, `id = "${id}"`];
  const before = lines.slice(0, last + 1).map((line) => line.text);
  const after = lines.slice(last + 1).map((line) => line.text);
  return { text: [...before, ...added, ...after].join('\n'), action: 'added' };
}

/** Every line ends in CRLF: edit with LF and convert back, so the file keeps its line ends. */
function isCrlf(text: string): boolean {
  return text.includes('\r\n') && !/(^|[^\r])\n/.test(text);
}

function toLf(text: string): string {
  return isCrlf(text) ? text.replace(/\r\n/g, '\n') : text;
}

/**
 * Why a stage without an `[env.<stage>]` block cannot be set up: its Worker would have no vars.
 *
 * @example
 * noStageMessage('qa') // 'has no [env.qa] block: copy [env.dev] ...'
 */
export function noStageMessage(stage: string): string {
  return `has no [env.${stage}] block: copy [env.dev] (with its vars) to [env.${stage}], then run setup again`;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let table = '';
  const entries = new Map<string, number>();
  for (const raw of text.split('\n')) {
    const header = HEADER.exec(raw);
    if (header) {
      table = header[2].replace(/\s*\.\s*/g, '.').replace(/["']/g, '');
      if (header[1] === '[[') entries.set(table, (entries.get(table) ?? -1) + 1);
    }
    lines.push({ text: raw, table, entry: entries.get(table) ?? 0, header: header !== null });
  }
  return lines;
}

function joinLines(lines: Line[]): string {
  return lines.map((line) => line.text).join('\n');
}

function inStage(table: string, stage: string): boolean {
  return table === `env.${stage}` || table.startsWith(`env.${stage}.`);
}

function isEntryLine(line: Line, table: string, entry: number): boolean {
  return !line.header && line.table === table && line.entry === entry;
}

/** The index of the `[[table]]` entry (`env.<stage>.kv_namespaces` or `kv_namespaces`) whose binding is `binding`. */
function findEntry(lines: Line[], table: string, binding: string): number | undefined {
  for (const line of lines) {
    if (line.header || line.table !== table) continue;
    const match = BINDING.exec(line.text);
    if (match && (match[1] ?? match[2]) === binding) return line.entry;
  }
  return undefined;
}

/** `kv_namespaces = [{ ... }]` inline under `[env.<stage>]`: a text edit could not keep it intact. */
function rejectInlineKv(lines: Line[], stage: string): void {
  if (lines.some((line) => line.table === `env.${stage}` && /^\s*kv_namespaces\s*=/.test(line.text))) {
    throw new WranglerTomlError(
      `[env.${stage}] lists kv_namespaces inline: write it as a [[env.${stage}.kv_namespaces]] table, then run setup again`,
    );
  }
}

/** The last line of the stage's last table that is not blank or a comment (comments before the next block stay with it). */
function lastContentLine(lines: Line[], stage: string): number {
  let last = -1;
  for (const [index, line] of lines.entries()) {
    if (inStage(line.table, stage) && line.text.trim() !== '' && !line.text.trim().startsWith('#')) last = index;
  }
  return last;
}
