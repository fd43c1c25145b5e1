import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeOptionsWithStripCache } from './nodeOptionsWithStripCache.ts';

const run = promisify(execFile);
const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/hadoku-route-strip-types/', import.meta.url));
const HOOK = `--import=${new URL('./stripTypesCache.js', import.meta.url).href}`;

/** The cache file the hook uses for `source` under this Node. */
function entryFor(source: string): string {
  return join(CACHE_DIR, `${createHash('sha256').update(`${process.version}\0${source}`).digest('hex')}.js`);
}

/** Runs `node file` with the hook (or without), returning stdout and stderr. */
async function node(file: string, withHook: boolean): Promise<{ stdout: string; stderr: string }> {
  const env = { ...process.env, NODE_OPTIONS: withHook ? HOOK : '' };
  return run(process.execPath, [file], { env }).catch((error: { stdout: string; stderr: string }) => error);
}

describe('Module hook: stripTypesCache (the test processes keep type stripping on disk)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hadoku-strip-cache-'));
  // ES modules, as the repository's sources are (the hook leaves CommonJS TypeScript to Node).
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A fresh source each run (a random constant), so the first run is a cache miss.
  const nonce = Math.random().toString(36).slice(2);

  it('strips as Node does: same output, no warning, and the stripped text is stored under the source hash', async () => {
    // Prepare
    const source = `interface Shape { n: number }\nconst shape: Shape = { n: 41 };\nconsole.log('${nonce}', shape.n + 1);\n`;
    const file = join(dir, 'plain.ts');
    writeFileSync(file, source);
    // Act
    const [hooked, native] = [await node(file, true), await node(file, false)];
    // Assess
    expect(hooked).toEqual({ stdout: `${nonce} 42\n`, stderr: '' });
    expect(hooked).toEqual(native);
    expect(readFileSync(entryFor(source), 'utf8')).toContain(`console.log('${nonce}', shape.n + 1);`);
  });

  it('serves a stored entry instead of stripping again (the cache is really read)', async () => {
    // Prepare: an entry planted for this exact source says something the source does not.
    const source = `const said: string = 'from the source ${nonce}';\nconsole.log(said);\n`;
    const file = join(dir, 'planted.ts');
    writeFileSync(file, source);
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(entryFor(source), `console.log('from the cache ${nonce}');\n`);
    // Act
    const { stdout } = await node(file, true);
    rmSync(entryFor(source));
    // Assess
    expect(stdout).toBe(`from the cache ${nonce}\n`);
  });

  it('keeps line and column of an error thrown below type annotations', async () => {
    // Prepare
    const source = `type Id = string;\nconst id: Id = '${nonce}';\nfunction fail(why: Id): never { throw new Error(why); }\nfail(id);\n`;
    const file = join(dir, 'throws.ts');
    writeFileSync(file, source);
    // Act
    const [hooked, native] = [await node(file, true), await node(file, false)];
    // Assess
    const frame = (stderr: string) => /throws\.ts:(\d+):(\d+)/.exec(stderr)?.slice(1);
    expect(frame(native.stderr)?.[0]).toBe('3');
    expect(frame(hooked.stderr)).toEqual(frame(native.stderr));
  });

  it.each([
    { base: undefined, expected: HOOK },
    { base: '', expected: HOOK },
    { base: '--enable-source-maps', expected: `--enable-source-maps ${HOOK}` },
  ])('NODE_OPTIONS from "$base" keeps what was there and adds the hook as a file URL', ({ base, expected }) => {
    expect(nodeOptionsWithStripCache(base)).toBe(expected);
  });
});
