import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as HandlerModule from '../../functions/lambda/handler.ts';
import { servedLambdaBundle } from '../../infra/hosts/lambdaBundleCache.ts';
import { scratchDir } from '../support/scratchDir.ts';

/** A fresh cache directory of this test's own. */
const freshCache = () => join(scratchDir(), `cache-${Math.random().toString(36).slice(2)}`);

/** The cached build's directory and manifest (one build key per esbuild version and options). */
function manifestOf(file: string): { path: string; inputs: Record<string, string> } {
  const path = join(file, '..', 'manifest.json');
  return { path, inputs: (JSON.parse(readFileSync(path, 'utf8')) as { inputs: Record<string, string> }).inputs };
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
    const inputs = Object.keys(manifestOf(first.file).inputs);
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
    const { path, inputs } = manifestOf(built.file);
    const { createHash } = await import('node:crypto');
    inputs[extra] = createHash('sha256').update('export const a = 1;').digest('hex');
    writeFileSync(path, JSON.stringify({ bytes: built.bytes, inputs }));
    expect((await servedLambdaBundle(cache)).reused).toBe(true);
    // Act: the input changes.
    writeFileSync(extra, 'export const a = 2;');
    const rebuilt = await servedLambdaBundle(cache);
    // Assess: rebuilt, and the new manifest no longer names the file esbuild did not read.
    expect(rebuilt.reused).toBe(false);
    expect(Object.keys(manifestOf(rebuilt.file).inputs)).not.toContain(extra);
    expect((await servedLambdaBundle(cache)).reused).toBe(true);
  });

  it('starts side by side into an empty cache: each gets a whole bundle, and the next start reuses one', async () => {
    const cache = freshCache();
    const [a, b] = await Promise.all([servedLambdaBundle(cache), servedLambdaBundle(cache)]);
    for (const bundle of [a, b]) expect(readFileSync(bundle.file, 'utf8').length).toBe(bundle.bytes);
    expect((await servedLambdaBundle(cache)).reused).toBe(true);
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
