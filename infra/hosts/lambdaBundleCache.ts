import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLambdaBundle, lambdaBundling } from '../../functions/lambda/bundling.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where the bundles are kept, beside the other tools' caches. */
export const LAMBDA_BUNDLE_CACHE_DIR: string = join(repoRoot, 'node_modules', '.cache', 'hadoku-route-lambda-bundle');

/** A Lambda bundle ready to import. */
export interface ServedBundle {
  /** Absolute path of `index.mjs`. */
  file: string;
  /** Its size in bytes. */
  bytes: number;
  /** `true` when an earlier build with the same inputs was reused. */
  reused: boolean;
  /** Deletes the bundle when it is a private build (no cache); a cached bundle stays. */
  release(): Promise<void>;
}

/** The build in use: its directory under the key, its size and every input esbuild read, with the hash of its content. */
interface Current {
  build: string;
  bytes: number;
  inputs: Record<string, string>;
}

/** How long a build nobody started from stays, for a start that may still be importing it. */
const KEEP_REPLACED_MS = 10 * 60 * 1000;

/**
 * The bundle `cdk deploy` ships (`buildLambdaBundle`, nothing baked in: `serve` hands its config to
 * `createHandler` instead), built once for a given content of its inputs: a build records the hash
 * of every file esbuild read, and a later start whose files all hash the same imports that build
 * (~0.25 CPU-s of reading against ~1 CPU-s of esbuild for ~1,000 inputs). Any edit of a source or
 * a dependency, a new esbuild or other build options build again. A build is never changed or
 * removed in place: each lives in a directory named after its inputs, `current.json` names the
 * one in use and is replaced whole, and a build is removed only after minutes without a start, so
 * starts side by side never import half a bundle. A cache that cannot be read or written only means a
 * private build in a temporary directory.
 *
 * @param cacheDir - @default {@link LAMBDA_BUNDLE_CACHE_DIR}
 * @example
 * const bundle = await servedLambdaBundle();
 * const module = await import(`${pathToFileURL(bundle.file).href}?start=${randomUUID()}`);
 */
export async function servedLambdaBundle(cacheDir: string = LAMBDA_BUNDLE_CACHE_DIR): Promise<ServedBundle> {
  try {
    const root = join(cacheDir, await buildKey());
    const current = await readCurrent(root);
    if (current !== undefined && (await unchanged(current.inputs))) {
      const dir = join(root, current.build);
      // Marked as used: a build is removed only after minutes without a start (pruneReplaced).
      const now = new Date();
      await utimes(dir, now, now);
      return cached(dir, current.bytes, true);
    }
    return await buildInto(root);
  } catch {
    const privateDir = await mkdtemp(join(tmpdir(), 'hadoku-lambda-serve-'));
    const bundle = await buildLambdaBundle(privateDir, undefined);
    return { file: bundle.file, bytes: bundle.bytes, reused: false, release: () => rm(privateDir, { recursive: true, force: true }) };
  }
}

/** The build's options and esbuild's version: what, besides the inputs, decides the output. */
async function buildKey(): Promise<string> {
  const { version } = await import('esbuild');
  const key = JSON.stringify({ esbuild: version, options: lambdaBundling(undefined) });
  return sha256(key).slice(0, 24);
}

/** Builds beside the others, moves the result into its own directory whole, then points `current.json` at it. */
async function buildInto(root: string): Promise<ServedBundle> {
  await mkdir(root, { recursive: true });
  const staging = join(root, `.build-${randomUUID()}`);
  try {
    const bundle = await buildLambdaBundle(staging, undefined);
    // esbuild names inputs relative to the working directory it ran in.
    const paths = Object.keys(bundle.metafile.inputs).map((input) => resolve(input));
    const hashes = await inBatches(paths, (path) => hashOf(path));
    const inputs = Object.fromEntries(paths.map((path, i) => [path, hashes[i]!]));
    const build = sha256(JSON.stringify(inputs)).slice(0, 24);
    const dir = join(root, build);
    await rename(staging, dir).catch((error: unknown) => {
      // Another start built the same inputs first: the same bundle is already there.
      if (!existsSync(join(dir, 'index.mjs'))) throw error;
    });
    const pointer = join(root, `.current-${randomUUID()}`);
    await writeFile(pointer, JSON.stringify({ build, bytes: bundle.bytes, inputs } satisfies Current));
    await rename(pointer, join(root, 'current.json'));
    await pruneReplaced(root, build);
    return cached(dir, bundle.bytes, false);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function readCurrent(root: string): Promise<Current | undefined> {
  try {
    return JSON.parse(await readFile(join(root, 'current.json'), 'utf8')) as Current;
  } catch {
    return undefined;
  }
}

/** Removes builds (and abandoned staging directories) other than `keep` that no start used for minutes. */
async function pruneReplaced(root: string, keep: string): Promise<void> {
  const old = Date.now() - KEEP_REPLACED_MS;
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === keep) continue;
    const path = join(root, entry.name);
    if ((await stat(path)).mtimeMs < old) await rm(path, { recursive: true, force: true });
  }
}

/** Every recorded input still has the content it was built from. */
async function unchanged(inputs: Record<string, string>): Promise<boolean> {
  const entries = Object.entries(inputs);
  const hashes = await inBatches(entries, ([path]) => hashOf(path).catch(() => ''));
  return entries.every(([, hash], i) => hashes[i] === hash);
}

/** `work` over `items`, 64 files open at a time (a thousand at once can pass a process's open-file limit). */
async function inBatches<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += 64) results.push(...(await Promise.all(items.slice(i, i + 64).map(work))));
  return results;
}

async function hashOf(path: string): Promise<string> {
  return sha256(await readFile(path));
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function cached(dir: string, bytes: number, reused: boolean): ServedBundle {
  return { file: join(dir, 'index.mjs'), bytes, reused, release: async () => {} };
}
