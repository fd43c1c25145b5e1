import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
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

/** What a cached build records: every input esbuild read, with the hash of its content. */
interface Manifest {
  bytes: number;
  inputs: Record<string, string>;
}

/**
 * The bundle `cdk deploy` ships (`buildLambdaBundle`, nothing baked in: `serve` hands its config to
 * `createHandler` instead), built once for a given content of its inputs: a build records the hash
 * of every file esbuild read, and a later start whose files all hash the same imports that build
 * (~50 ms of reading against ~1 CPU-second of esbuild for ~1,000 inputs). Any edit of a source or
 * a dependency, a new esbuild or other build options build again. A cache that cannot be read or
 * written only means a private build in a temporary directory.
 *
 * @param cacheDir - @default {@link LAMBDA_BUNDLE_CACHE_DIR}
 * @example
 * const bundle = await servedLambdaBundle();
 * const module = await import(`${pathToFileURL(bundle.file).href}?start=${randomUUID()}`);
 */
export async function servedLambdaBundle(cacheDir: string = LAMBDA_BUNDLE_CACHE_DIR): Promise<ServedBundle> {
  try {
    const dir = join(cacheDir, await buildKey());
    const kept = await readManifest(dir);
    if (kept !== undefined && (await unchanged(kept.inputs))) return cached(dir, kept.bytes, true);
    return await buildInto(cacheDir, dir);
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
  return createHash('sha256').update(key).digest('hex').slice(0, 24);
}

/** Builds next to `dir` and moves the result into place whole, so a reader never sees half a bundle. */
async function buildInto(cacheDir: string, dir: string): Promise<ServedBundle> {
  await mkdir(cacheDir, { recursive: true });
  const staging = join(cacheDir, `.build-${randomUUID()}`);
  try {
    const bundle = await buildLambdaBundle(staging, undefined);
    // esbuild names inputs relative to the working directory it ran in.
    const paths = Object.keys(bundle.metafile.inputs).map((input) => resolve(input));
    const inputs = Object.fromEntries(await Promise.all(paths.map(async (path) => [path, await hashOf(path)] as const)));
    await writeFile(join(staging, 'manifest.json'), JSON.stringify({ bytes: bundle.bytes, inputs } satisfies Manifest));
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir).catch(async (error: unknown) => {
      // Another start put the same build in place first: use it.
      if ((await readManifest(dir)) === undefined) throw error;
    });
    return cached(dir, bundle.bytes, false);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function readManifest(dir: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** Every recorded input still has the content it was built from. */
async function unchanged(inputs: Record<string, string>): Promise<boolean> {
  const checks = Object.entries(inputs).map(async ([path, hash]) => (await hashOf(path).catch(() => '')) === hash);
  return (await Promise.all(checks)).every(Boolean);
}

async function hashOf(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

function cached(dir: string, bytes: number, reused: boolean): ServedBundle {
  return { file: join(dir, 'index.mjs'), bytes, reused, release: async () => {} };
}
