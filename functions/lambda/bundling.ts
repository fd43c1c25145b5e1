import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The handler source esbuild starts from (the CDK `entry`). */
export const LAMBDA_ENTRY: string = fileURLToPath(new URL('./handler.ts', import.meta.url));

/** Global identifier `bakedConfig.ts` reads, replaced at build time by the config as base64. */
export const BAKED_CONFIG_DEFINE = '__HADOKU_BAKED_CONFIG_B64__';

/**
 * Packages left out of the bundle: none. The AWS SDK (`@aws-sdk/*`, `@smithy/*`) is bundled and
 * tree-shaken with the rest, trading size for cold start. Measured here (`bench/lambda.ts`):
 *
 * | variant | minified | gzip | module init (fresh process) |
 * |---|---|---|---|
 * | SDK bundled (this) | ~442 KiB | ~130 KiB | ~75-90 ms |
 * | `@aws-sdk/*` external | ~81 KiB | ~27 KiB | ~175-200 ms |
 *
 * Bundled meets the init goal (<= 100 ms) and misses the size goal (<= 250 KiB); external is the
 * reverse, because a cold start then resolves and loads the runtime SDK's many CommonJS files.
 * Cold start is what a client waits for, while the zip size only costs deploy bandwidth, and a
 * bundled SDK is the exact version the tests ran (the runtime's copy changes under us). Most of
 * the size is the SSM client's error and schema tables and `@smithy/core`, which esbuild cannot
 * shake out.
 */
export const EXTERNAL_MODULES: readonly string[] = [];

/**
 * Lets CommonJS code inside the ESM bundle `require` Node built-ins (some SDK dependencies do);
 * esbuild's own shim throws "Dynamic require is not supported" without it.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __hadokuCreateRequire } from 'node:module'; const require = __hadokuCreateRequire(import.meta.url);";

/**
 * esbuild options of the Lambda bundle, shaped like `NodejsFunction`'s `bundling` props so the
 * CDK construct and {@link buildLambdaBundle} (tests, `serve`, bench) build the same artifact.
 * The CDK side maps `format: 'esm'` to `OutputFormat.ESM` (same string).
 */
export interface LambdaBundlingOptions {
  minify: true;
  sourceMap: true;
  target: 'node24';
  format: 'esm';
  /** Prefer packages' ESM builds: they tree-shake; CommonJS builds do not. */
  mainFields: string[];
  /** `{ [BAKED_CONFIG_DEFINE]: '"<base64>"' }`: values are JS expressions, as esbuild expects. */
  define: Record<string, string>;
  externalModules: string[];
  banner: string;
}

/**
 * The one definition of the Lambda's esbuild options.
 *
 * @param configText - The route config to bake in (the repo's `route-config.json`), used on a
 *   cold start when SSM is unreachable; `undefined` bakes nothing. It is embedded as base64 so
 *   its quotes and `${VAR}` tokens survive any command line the bundler runs through.
 * @example
 * new NodejsFunction(this, 'Router', { entry: LAMBDA_ENTRY, runtime: Runtime.NODEJS_24_X,
 *   bundling: { ...lambdaBundling(configText), format: OutputFormat.ESM } });
 */
export function lambdaBundling(configText: string | undefined): LambdaBundlingOptions {
  const baked = configText === undefined ? '' : Buffer.from(configText, 'utf8').toString('base64');
  return {
    minify: true,
    sourceMap: true,
    target: 'node24',
    format: 'esm',
    mainFields: ['module', 'main'],
    define: { [BAKED_CONFIG_DEFINE]: JSON.stringify(baked) },
    externalModules: [...EXTERNAL_MODULES],
    banner: ESM_REQUIRE_BANNER,
  };
}

/** What {@link buildLambdaBundle} produced. */
export interface LambdaBundle {
  /** Absolute path of `index.mjs` (import it and call `.handler`). */
  file: string;
  /** Size of `index.mjs` in bytes (minified). */
  bytes: number;
  /** esbuild's metafile: which inputs take how many bytes. */
  metafile: import('esbuild').Metafile;
}

/**
 * Builds the bundle `cdk deploy` ships, with the same options, into `outdir/index.mjs` (+ map).
 *
 * @example
 * const { file } = await buildLambdaBundle(tmpDir, await readFile('route-config.json', 'utf8'));
 * const { handler } = await import(pathToFileURL(file).href);
 */
export async function buildLambdaBundle(
  outdir: string,
  configText: string | undefined,
  overrides: { externalModules?: string[] } = {},
): Promise<LambdaBundle> {
  const { build } = await import('esbuild');
  const options = lambdaBundling(configText);
  await mkdir(outdir, { recursive: true });
  const file = join(outdir, 'index.mjs');
  const result = await build({
    entryPoints: [LAMBDA_ENTRY],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: options.target,
    format: options.format,
    minify: options.minify,
    sourcemap: options.sourceMap,
    mainFields: options.mainFields,
    define: options.define,
    external: overrides.externalModules ?? options.externalModules,
    banner: { js: options.banner },
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = result.metafile.outputs[Object.keys(result.metafile.outputs).find((k) => k.endsWith('index.mjs'))!]!.bytes;
  return { file, bytes, metafile: result.metafile };
}
