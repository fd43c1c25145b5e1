import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The Worker's entry module: wrangler.toml's `main`. */
export const WORKER_ENTRY: string = resolve(repoRoot, 'functions/worker/index.ts');

/** What {@link buildWorkerBundle} may swap in; nothing by default (what `wrangler deploy` ships). */
export interface WorkerBundleOptions {
  /** JSON text baked in place of the repository's route-config.json (`serve` bakes the served file). */
  bakedConfig?: string;
  /** Bundle an empty app registry: the router alone, to measure what the apps add. */
  withoutApps?: boolean;
  /** @default true, as wrangler.toml's `minify = true` */
  minify?: boolean;
}

/**
 * The one definition of how the Worker is bundled outside wrangler, mirroring what `wrangler
 * deploy` does with wrangler.toml (`main`, `minify`, ESM, workerd export conditions, no Node
 * built-ins): `serve --runtime worker` runs it in workerd, and the bundle-size figures measure it.
 * `wrangler deploy --dry-run` stays the reference the tests check the real deploy with.
 *
 * @example
 * const script = await buildWorkerBundle({ bakedConfig: await readFile('route-config.json', 'utf8') });
 */
export async function buildWorkerBundle(options: WorkerBundleOptions = {}): Promise<string> {
  const { build } = await import('esbuild');
  const swaps: Array<{ filter: RegExp; from: string; contents: string; loader: 'json' | 'js' }> = [];
  if (options.bakedConfig !== undefined) {
    swaps.push({ filter: /(^|\/)route-config\.json$/, from: dirname(WORKER_ENTRY), contents: options.bakedConfig, loader: 'json' });
  }
  if (options.withoutApps)
    swaps.push({ filter: /(^|\/)apps\/index\.ts$/, from: dirname(WORKER_ENTRY), contents: 'export const apps = {};', loader: 'js' });
  const result = await build({
    entryPoints: [WORKER_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2023',
    conditions: ['workerd', 'worker', 'browser'],
    minify: options.minify ?? true,
    write: false,
    logLevel: 'silent',
    plugins: swaps.map((swap, i) => ({
      name: `swap-${i}`,
      setup(pluginBuild) {
        // Only the entry's own import is swapped, never a same-named file elsewhere.
        pluginBuild.onResolve({ filter: swap.filter }, (args) =>
          dirname(args.importer) === swap.from ? { path: `swap-${i}`, namespace: 'swap' } : undefined,
        );
        pluginBuild.onLoad({ filter: new RegExp(`^swap-${i}$`), namespace: 'swap' }, () => ({
          contents: swap.contents,
          loader: swap.loader,
        }));
      },
    })),
  });
  return result.outputFiles[0]!.text;
}
