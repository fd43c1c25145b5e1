import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as HandlerModule from '../../functions/lambda/handler.ts';
import { servedLambdaBundle } from '../../infra/hosts/lambdaBundleCache.ts';
import { scratchDir } from '../support/scratchDir.ts';

/** A fresh cache directory of this test's own. */
const freshCache = () => join(scratchDir(), `cache-${Math.random().toString(36).slice(2)}`);

/** The cache's pointer to the build in use (`current.json`, beside the build directories). */
function currentOf(file: string): { path: string; build: string; bytes: number; inputs: Record<string, string> } {
  const path = join(file, '..', '..', 'current.json');
  return { path, ...(JSON.parse(readFileSync(path, 'utf8')) as { build: string; bytes: number; inputs: Record<string, string> }) };
}

/** Makes the next start build again: the pointer names one more input, whose recorded hash no file has. */
function forceRebuild(file: string): void {
  const current = currentOf(file);
  current.inputs[join(scratchDir(), 'gone.ts')] = '0'.repeat(64);
  writeFileSync(current.path, JSON.stringify({ build: current.build, bytes: current.bytes, inputs: current.inputs }));
}

describe('Function: servedLambdaBundle (the Lambda bundle serve imports, built once per content of its inputs)', () => {
  it('builds into an empty cache, then reuses that build while no input changed; the bundle is the handler', async () => {
    const cache = freshCache();
    const first = await servedLambdaBundle(cache);
    const second = await servedLambdaBundle(cache);
    expect([first.reused, second.reused]).toEqual([false, true]);
    expect(second.file).toBe(first.file);
    expect(second.bytes).toBe(first.bytes);
    // Every file esbuild read is recorded: our sources and the dependencies.
    const inputs = Object.keys(currentOf(first.file).inputs);
    expect(inputs.some((path) => path.endsWith('functions/lambda/handler.ts'))).toBe(true);
    expect(inputs.some((path) => path.includes('node_modules/@aws-sdk/client-ssm'))).toBe(true);
    const module = (await import(`${pathToFileURL(second.file).href}?t=${Date.now()}`)) as typeof HandlerModule;
    expect(typeof module.createHandler).toBe('function');
  });

  it('builds again when an input changed (here one more recorded input, then edited), and records the new content', async () => {
    // Prepare: a built cache whose manifest also names a file of this test, as if esbuild had read it.
    const cache = freshCache();
    const built = await servedLambdaBundle(cache);
    const extra = join(scratchDir(), 'input.ts');
    writeFileSync(extra, 'export const a = 1;');
    const current = currentOf(built.file);
    const { createHash } = await import('node:crypto');
    current.inputs[extra] = createHash('sha256').update('export const a = 1;').digest('hex');
    writeFileSync(current.path, JSON.stringify({ build: current.build, bytes: current.bytes, inputs: current.inputs }));
    expect((await servedLambdaBundle(cache)).reused).toBe(true);
    // Act: the input changes.
    writeFileSync(extra, 'export const a = 2;');
    const rebuilt = await servedLambdaBundle(cache);
    // Assess: rebuilt, and the new manifest no longer names the file esbuild did not read.
    expect(rebuilt.reused).toBe(false);
    expect(Object.keys(currentOf(rebuilt.file).inputs)).not.toContain(extra);
    expect((await servedLambdaBundle(cache)).reused).toBe(true);
  });

  it('starts side by side into an empty cache: each gets a whole bundle, and the next start reuses one', async () => {
    const cache = freshCache();
    const [a, b] = await Promise.all([servedLambdaBundle(cache), servedLambdaBundle(cache)]);
    for (const bundle of [a, b]) expect(readFileSync(bundle.file, 'utf8').length).toBe(bundle.bytes);
    expect((await servedLambdaBundle(cache)).reused).toBe(true);
  });

  it('never changes a build in place: a rebuild of the same inputs leaves the directory a start was handed as it was', async () => {
    const cache = freshCache();
    const first = await servedLambdaBundle(cache);
    const before = statSync(join(first.file, '..')).ino;
    forceRebuild(first.file);
    const rebuilt = await servedLambdaBundle(cache);
    expect(rebuilt.reused).toBe(false);
    expect(rebuilt.file).toBe(first.file);
    expect(statSync(join(first.file, '..')).ino).toBe(before);
  });

  it('removes, at a build, the builds no start used for ten minutes, and keeps the recent ones', async () => {
    const cache = freshCache();
    const first = await servedLambdaBundle(cache);
    const root = join(first.file, '..', '..');
    const [stale, recent] = ['stale-build', 'recent-build'].map((name) => join(root, name));
    for (const dir of [stale!, recent!]) {
      mkdirSync(dir);
      writeFileSync(join(dir, 'index.mjs'), '');
    }
    const longAgo = new Date(Date.now() - 20 * 60 * 1000);
    utimesSync(stale!, longAgo, longAgo);
    forceRebuild(first.file);
    await servedLambdaBundle(cache);
    expect([existsSync(stale!), existsSync(recent!), existsSync(first.file)]).toEqual([false, true, true]);
  });

  it('builds privately when the cache cannot be written (a file where its directory should be); release deletes that build', async () => {
    const blocked = join(scratchDir(), 'not-a-directory');
    writeFileSync(blocked, '');
    const bundle = await servedLambdaBundle(blocked);
    expect(bundle.reused).toBe(false);
    expect(bundle.file.startsWith(blocked)).toBe(false);
    expect(existsSync(bundle.file)).toBe(true);
    await bundle.release();
    expect(existsSync(bundle.file)).toBe(false);
  });
});
