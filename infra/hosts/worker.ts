import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HEALTH_DOC, KV_CONFIG, parseConfig } from '../../shared/index.ts';
import { readHealthFile } from './healthFile.ts';
import type { RunningServer, ServeOptions, ServeRuntime } from './types.ts';
import { buildWorkerBundle } from './workerBundle.ts';
import { readCompatibility } from './wranglerCompatibility.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const defaultAssetsDir = resolve(repoRoot, 'functions/worker/public');

/** Locally an edit should show up quickly; production keeps 10 s (wrangler.toml). */
const LOCAL_CONFIG_MAX_AGE = '1';

/**
 * `serve --runtime worker`: the real Worker (functions/worker/index.ts, bundled with esbuild as
 * wrangler does) inside workerd through Miniflare, listening on `host:port`.
 *
 * The config file plays the KV namespace: it is put under `route-config` in the local `SETTINGS`
 * KV at start and again on every edit, and the Worker reads it back within
 * `ROUTE_CONFIG_MAX_AGE` (1 s unless `env` says otherwise). The same file is baked into the local
 * bundle in place of the repository's route-config.json. A `route-health.json` beside the file is
 * put under `route-health` at start (the shared health document, `healthFile.ts`). Vars and secrets (`${VAR}`, priority
 * overrides, `ROUTE_SELF`) come from `env`. Non-API paths are served from `staticDir`, by default
 * the Worker's own `functions/worker/public`.
 *
 * @throws ConfigValidationError when the file is not a valid config at start (as Express does).
 * @example
 * const server = await serveWorker({ configPath: '/abs/route-config.json', port: 8787, host: '127.0.0.1', env: process.env });
 * // ... later
 * await server.close();
 */
export const serveWorker: ServeRuntime = async (options: ServeOptions): Promise<RunningServer> => {
  const text = await readFile(options.configPath, 'utf8');
  const bindings = workerVars(options);
  // Refuse to start on an invalid file, listing every error, like the other runtimes.
  parseConfig(text, bindings);

  const [{ Miniflare, convertV4MiniflareOptions }, { watch }, script, compatibility] = await Promise.all([
    import('miniflare'),
    import('chokidar'),
    buildWorkerBundle({ bakedConfig: text, minify: false }),
    readCompatibility(),
  ]);
  const log = options.log ?? ((line: Record<string, unknown>) => console.log(JSON.stringify(line)));
  const miniflare = new Miniflare({
    ...convertV4MiniflareOptions({
      host: options.host,
      port: options.port,
      cf: false,
      modules: true,
      script,
      scriptPath: resolve(repoRoot, 'functions/worker/index.js'),
      // Module names are relative to this root, not to the working directory, so serve/dev also
      // run from a folder outside the repository.
      modulesRoot: repoRoot,
      compatibilityDate: compatibility.date,
      compatibilityFlags: compatibility.flags,
      // With persistTo the KV lives where wrangler keeps its local state (namespace = the id in
      // wrangler.toml), so `flip --target kv --local --persist-to DIR` reaches this Worker.
      kvNamespaces: options.persistTo ? { SETTINGS: compatibility.kvId } : ['SETTINGS'],
      bindings,
      assets: {
        directory: options.staticDir ?? defaultAssetsDir,
        binding: 'STATIC',
        // wrangler.toml's run_worker_first = true: the router judges every path first.
        routerConfig: { has_user_worker: true, invoke_user_worker_ahead_of_assets: true },
      },
      // The Worker's console lines (one JSON object per routed request) reach `log` as objects.
      handleStructuredLogs: ({ level, message }) => log(parseLogLine(level, message)),
    }),
    // Miniflare 5's persistence root (wrangler's `--persist-to DIR` keeps its data in DIR/v3).
    ...(options.persistTo ? { resourcePersistencePath: resolve(options.persistTo, 'v3') } : {}),
  });

  let watcher: { close(): Promise<void> } | undefined;
  try {
    const url = await miniflare.ready;
    const kv = await miniflare.getKVNamespace('SETTINGS');
    await kv.put(KV_CONFIG.key, text);
    // The shared health document kept beside the config file (healthFile.ts), as the Cron prober
    // would have left it in KV: a restarted Worker (a brand-new isolate) reads it with its first config read.
    const health = readHealthFile(options.configPath);
    if (health !== undefined) await kv.put(HEALTH_DOC.kvKey, health);

    // One put at a time, in edit order: a slow put must not land after a newer one.
    let queue: Promise<void> = Promise.resolve();
    const putFile = (): void => {
      queue = queue.then(async () => {
        try {
          const edited = await readFile(options.configPath, 'utf8');
          await kv.put(KV_CONFIG.key, edited);
          log({
            level: 'info',
            msg: 'config put into local KV',
            key: KV_CONFIG.key,
            bytes: Buffer.byteLength(edited),
            file: options.configPath,
          });
        } catch (error) {
          log({ level: 'warn', msg: 'config file not readable, local KV unchanged', file: options.configPath, error: String(error) });
        }
      });
    };
    // chokidar follows the path, so an editor's save-by-rename is seen as a change too.
    const fileWatcher = watch(options.configPath, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 20 } });
    fileWatcher.on('add', putFile).on('change', putFile);
    await new Promise<void>((ready) => fileWatcher.once('ready', () => ready()));
    watcher = fileWatcher;

    const base = url.href.replace(/\/$/, '');
    await waitForAnswer(`${base}/_router/health`);
    return {
      url: base,
      async close() {
        await watcher?.close();
        await queue;
        await miniflare.dispose();
      },
    };
  } catch (error) {
    await watcher?.close();
    await miniflare.dispose().catch(() => undefined);
    if ((error as { code?: unknown }).code === 'ERR_ADDRESS_IN_USE')
      throw new WorkerPortInUseError(options.host, options.port, { cause: error });
    throw error;
  }
};

/** The port is taken. Carries Node's `EADDRINUSE` code, which Miniflare names `ERR_ADDRESS_IN_USE`. */
export class WorkerPortInUseError extends Error {
  readonly code = 'EADDRINUSE';

  constructor(host: string, port: number, options?: { cause?: unknown }) {
    super(`${host}:${port} is already in use`, options);
    this.name = 'WorkerPortInUseError';
  }
}

/**
 * String vars for the Worker, as `wrangler dev` would take them from `.dev.vars`: everything in
 * `env` that has a value, plus `ROUTE_SELF` from `self` and a short `ROUTE_CONFIG_MAX_AGE`.
 */
function workerVars(options: ServeOptions): Record<string, string> {
  const vars: Record<string, string> = { ROUTE_CONFIG_MAX_AGE: LOCAL_CONFIG_MAX_AGE };
  for (const [name, value] of Object.entries(options.env)) if (typeof value === 'string') vars[name] = value;
  if (options.self) vars.ROUTE_SELF = options.self;
  return vars;
}

function parseLogLine(level: string, message: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(message);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Not one of the Worker's JSON lines (workerd's own messages): wrap it.
  }
  return { level, msg: message.trimEnd(), runtime: 'worker' };
}

/** Resolves once the Worker answers any HTTP status; bounded to 100 tries (~10 s). */
async function waitForAnswer(url: string): Promise<void> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((wake) => setTimeout(wake, 100));
    }
  }
  throw new Error(`the local Worker does not answer at ${url}`, { cause: lastError });
}
