/**
 * The whole topology on loopback, for `npm start` / `hadoku-route dev` and the failover drill's
 * tests: three stand-in providers and one router per runtime (Express, the Worker in workerd,
 * the bundled Lambda behind the local Function URL shim), every router over the same config file.
 */
import { fileURLToPath } from 'node:url';
import { startStandin, type Standin } from './standin.ts';
import { liveView, type LiveView, type LiveViewOptions, type LiveViewRouter } from '../drill/liveView.ts';

export { liveView, type LiveView, type LiveViewOptions, type LiveViewRouter };

/** Router runtimes the topology can start. */
export type TopologyRuntime = 'express' | 'worker' | 'lambda';

/** The three stand-ins: provider id, the variable route-config.json names it by, table name. */
export const TOPOLOGY_PROVIDERS = [
  { id: '1', envVar: 'LOCAL_BASE', name: 'provider 1 (stand-in)' },
  { id: '2', envVar: 'WORKER_BASE', name: 'provider 2 (stand-in)' },
  { id: '3', envVar: 'LAMBDA_BASE', name: 'provider 3 (stand-in)' },
] as const;

/** Options of {@link startTopology}. */
export interface TopologyOptions {
  /** Absolute path of the route-config.json every router serves and watches. */
  configPath: string;
  /** Environment for `${VAR}` and overrides; the stand-ins' URLs are added. @default process.env */
  env?: Record<string, string | undefined>;
  /** Routers to start, one per runtime. @default ['express', 'worker', 'lambda'] */
  runtimes?: readonly TopologyRuntime[];
  /**
   * First port of a fixed block: stand-ins on basePort+1..+3, routers on basePort+10, +11, +12
   * (in `runtimes` order). A busy port fails the start. @default 0: any free ports
   */
  basePort?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Every router's log lines (request lines, reloads), tagged with `runtime`. @default discarded: the live view owns the terminal */
  log?: (line: Record<string, unknown>) => void;
}

/** One running router of the topology. */
export interface TopologyRouter {
  name: 'express router' | 'worker router' | 'lambda router';
  runtime: TopologyRuntime;
  url: string;
}

/** The running topology. */
export interface Topology {
  /** Stand-ins 1, 2, 3 (`setMode('503' | 'hang' | 'refuse' | 'ok')` to fail one). */
  providers: Standin[];
  routers: TopologyRouter[];
  /** The environment the routers got (with LOCAL_BASE, WORKER_BASE, LAMBDA_BASE). */
  env: Record<string, string | undefined>;
  /** What runs where: each name beside its URL, one line each. */
  table(): string;
  /** Apps listed in the config, as the first router reports them (`/_config/route`). */
  apps(): Promise<string[]>;
  /** Stops every router, then every stand-in. */
  close(): Promise<void>;
}

/** The topology could not start (a runtime is missing or failed). Whatever started was stopped. */
export class TopologyStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TopologyStartError';
  }
}

interface Running {
  url: string;
  close(): Promise<void>;
}
type Serve = (o: { configPath: string; port: number; host: string; env: Record<string, string | undefined>; log: (line: Record<string, unknown>) => void }) => Promise<Running>;

// Each runtime is loaded only when asked for: the Express-only topology never pays for workerd.
const RUNTIME_MODULES: Record<TopologyRuntime, { file: string; load: (mod: Record<string, unknown>) => Serve | undefined }> = {
  express: {
    file: '../../functions/express/server.ts',
    load: (mod) => {
      const start = mod.startExpressRouter as ((o: Record<string, unknown>) => Promise<Running>) | undefined;
      return start && ((o) => start({ configPath: o.configPath, port: o.port, host: o.host, env: o.env, log: o.log, configLog: o.log }));
    },
  },
  worker: { file: '../cli/runtimes/worker.ts', load: (mod) => mod.serveWorker as Serve | undefined },
  lambda: { file: '../cli/runtimes/lambda.ts', load: (mod) => mod.serveLambda as Serve | undefined },
};

/**
 * Starts the stand-ins, points `LOCAL_BASE`/`WORKER_BASE`/`LAMBDA_BASE` at them in the env every
 * runtime gets, then the routers (in parallel) over the same config file. Each runtime watches
 * that file itself (Express re-reads it, the Worker's local KV and the Lambda's SSM stand-in are
 * re-fed from it), so one edit reaches all three. If anything fails to start, what did start is
 * stopped before the error propagates.
 *
 * @throws {TopologyStartError} naming the runtime; `ConfigValidationError` (as the runtimes throw
 * it) when the config is invalid.
 * @example
 * const topology = await startTopology({ configPath: resolve('route-config.json') });
 * console.log(topology.table());
 * const view = liveView(topology.routers, await topology.apps(), { intervalMs: 1000 });
 */
export async function startTopology(options: TopologyOptions): Promise<Topology> {
  const host = options.host ?? '127.0.0.1';
  const runtimes = [...new Set(options.runtimes ?? (['express', 'worker', 'lambda'] as const))];
  const base = options.basePort ?? 0;
  const log = options.log ?? (() => undefined);
  const providers: Standin[] = [];
  const started: Array<{ router: TopologyRouter; server: Running }> = [];
  const stopAll = async (): Promise<void> => {
    // Routers first: none is left proxying to a stand-in that is already gone.
    await Promise.all(started.splice(0).map(({ server }) => server.close().catch(() => undefined)));
    await Promise.all(providers.splice(0).map((p) => p.close().catch(() => undefined)));
  };
  try {
    const env: Record<string, string | undefined> = { ...(options.env ?? process.env) };
    for (const [i, spec] of TOPOLOGY_PROVIDERS.entries()) {
      const standin = await startStandin({ id: spec.id, port: base ? base + 1 + i : 0, host });
      providers.push(standin);
      env[spec.envVar] = standin.url;
    }
    const serves = await Promise.all(runtimes.map((runtime) => loadServe(runtime)));
    const results = await Promise.allSettled(
      runtimes.map(async (runtime, i) => {
        const server = await serves[i]!({ configPath: options.configPath, port: base ? base + 10 + i : 0, host, env, log: (line) => log({ runtime, ...line }) });
        started.push({ router: { name: `${runtime} router`, runtime, url: server.url.replace(/\/+$/, '') }, server });
      }),
    );
    const failed = results.findIndex((r) => r.status === 'rejected');
    if (failed !== -1) {
      const reason = (results[failed] as PromiseRejectedResult).reason as Error;
      if (reason?.name === 'ConfigValidationError') throw reason;
      throw new TopologyStartError(`the ${runtimes[failed]} router failed to start: ${reason?.message ?? String(reason)}`, { cause: reason });
    }
    const routers = runtimes.map((runtime) => started.find((s) => s.router.runtime === runtime)!.router);
    return {
      providers,
      routers,
      env,
      table: () => formatTable([...providers.map((p, i) => ({ name: TOPOLOGY_PROVIDERS[i]!.name, url: p.url, role: `\${${TOPOLOGY_PROVIDERS[i]!.envVar}}` })), ...routers.map((r) => ({ name: r.name, url: r.url, role: `router over ${options.configPath}` }))]),
      apps: () => listApps(routers[0]?.url),
      close: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function loadServe(runtime: TopologyRuntime): Promise<Serve> {
  const { file, load } = RUNTIME_MODULES[runtime];
  const url = new URL(file, import.meta.url);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url.href)) as Record<string, unknown>;
  } catch (error) {
    const missing = (error as { code?: string; url?: string }).code === 'ERR_MODULE_NOT_FOUND' && (error as { url?: string }).url === url.href;
    if (missing) throw new TopologyStartError(`the ${runtime} runtime is not in this checkout (${fileURLToPath(url)})`, { cause: error });
    throw error;
  }
  const serve = load(mod);
  if (!serve) throw new TopologyStartError(`the ${runtime} runtime module does not export its serve function`);
  return serve;
}

async function listApps(router: string | undefined): Promise<string[]> {
  if (!router) return [];
  const response = await fetch(`${router}/_config/route`, { signal: AbortSignal.timeout(5000) });
  const body = (await response.json()) as { apps?: Record<string, unknown> };
  return Object.keys(body.apps ?? {});
}

function formatTable(rows: Array<{ name: string; url: string; role: string }>): string {
  const all = [{ name: 'name', url: 'url', role: 'role' }, ...rows];
  const nameWidth = Math.max(...all.map((r) => r.name.length));
  const urlWidth = Math.max(...all.map((r) => r.url.length));
  return all.map((r) => `${r.name.padEnd(nameWidth)}  ${r.url.padEnd(urlWidth)}  ${r.role}`.trimEnd()).join('\n');
}
