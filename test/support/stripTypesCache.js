/**
 * A module hook for the node processes the tests spawn (the CLI, `serve`, `dev`, `cdk synth`'s
 * app): it keeps Node's own type stripping on disk, keyed by a hash of the source. Node strips the
 * ~135 TypeScript files of the CLI again at every start, which is over half of a start's CPU
 * (0.65 s -> 0.24 s per `hadoku-route --help` here), and the suite starts the CLI hundreds of times.
 *
 * The result is exactly Node's: `stripTypeScriptTypes` in `strip` mode is what Node runs on a
 * `.ts` module (whitespace in place of types, so lines and columns stay the same); only the
 * repetition is saved. Plain JavaScript on purpose: a `.ts` hook would make every process load the
 * stripper just to read the hook. Loaded with `NODE_OPTIONS=--import=<this file's URL>`, which
 * vitest.config.ts sets for the node project (see nodeOptionsWithStripCache.ts). Importing this
 * file registers the hook: nothing else should import it.
 *
 * Entries are written to a temp file and renamed, so processes starting together on a clean clone
 * never read half a file; they are content-addressed, so two writers of one key write the same
 * bytes. An unwritable cache directory only means no cache.
 *
 * @example
 * // NODE_OPTIONS="--import=file:///repo/test/support/stripTypesCache.js" node bin/hadoku-route.js --help
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Under node_modules, so a clean clone (`npm ci`) starts empty.
const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/hadoku-route-strip-types/', import.meta.url));

/**
 * Node's own stripping, quietly: the public function warns "experimental" once per process,
 * which would land on the stderr that tests read.
 * @param {string} source
 * @returns {string}
 */
function stripQuietly(source) {
  const emitWarning = process.emitWarning;
  process.emitWarning = () => undefined;
  try {
    return nodeModule.stripTypeScriptTypes(source, { mode: 'strip' });
  } finally {
    process.emitWarning = emitWarning;
  }
}

/**
 * The stripped source from the cache, else stripped now and stored.
 * @param {string} source
 * @returns {string}
 */
function cachedStrip(source) {
  // The Node version is part of the key: another Node may strip differently.
  const key = createHash('sha256').update(`${process.version}\0${source}`).digest('hex');
  const file = join(CACHE_DIR, `${key}.js`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // Not cached yet.
  }
  const code = stripQuietly(source);
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
  } catch {
    // A read-only tree: no cache, the same result.
  }
  return code;
}

/**
 * @param {unknown} source what the default load hook read
 * @returns {string | undefined}
 */
function sourceText(source) {
  if (typeof source === 'string') return source;
  if (source instanceof ArrayBuffer) return Buffer.from(source).toString('utf8');
  if (ArrayBuffer.isView(source)) return Buffer.from(source.buffer, source.byteOffset, source.byteLength).toString('utf8');
  return undefined;
}

// Nodes without synchronous hooks (< 22.15) load modules as they always do.
if (typeof nodeModule.registerHooks === 'function' && typeof nodeModule.stripTypeScriptTypes === 'function') {
  nodeModule.registerHooks({
    load(url, context, nextLoad) {
      const result = nextLoad(url, context);
      // Only ES modules in TypeScript; everything else (JavaScript, CommonJS TypeScript) as Node loads it.
      if (result.format !== 'module-typescript') return result;
      const text = sourceText(result.source);
      return text === undefined ? result : { format: 'module', source: cachedStrip(text), shortCircuit: true };
    },
  });
}
