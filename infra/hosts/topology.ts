/**
 * The whole topology on loopback, for `npm start` / `hadoku-route dev` and the drill's tests. One
 * module, one provider table, one way to start a runtime (`startRuntime`, as `serve` does).
 *
 * By default it is the seed's real topology: three stacks, each a router that is also a provider
 * and hosts the apps (stack 1 the Express router, 2 the Worker in workerd, 3 the bundled Lambda
 * behind the local Function URL), every router over the same config file and an entry point.
 * With `standins: true` it is the fault-injection topology instead: three stand-in providers
 * that fail on demand, and pure routers in front of them.
 */
import { createServer } from 'node:net';
import { startRuntime } from './startRuntime.ts';
import { isPortFree, startOnFreePort } from './ports.ts';
import type { RunningServer, RuntimeName, ServeOptions } from './types.ts';
import { startLocalStack, type LocalStack, type StackSpec } from './localStack.ts';
import { startStandin, type Standin } from './standin.ts';

export type { LocalStack, StackSpec } from './localStack.ts';

/** The seed's three stacks: 1 the Express router, 2 the Worker, 3 the Lambda. */
export const STACKS: readonly StackSpec[] = [
  { id: '1', runtime: 'express', envVar: 'LOCAL_BASE' },
  { id: '2', runtime: 'worker', envVar: 'WORKER_BASE' },
  { id: '3', runtime: 'lambda', envVar: 'LAMBDA_BASE' },
];

/** Where each runtime's config comes from locally: shown in the table and the README diagram. */
export const CONFIG_STORES: Readonly<Record<RuntimeName, string>> = {
  express: 'file (watched)',
  worker: 'local KV (fed from the file)',
  lambda: 'SSM stand-in (reads the file)',
};

/** Options of {@link startTopology}. */
export interface TopologyOptions {
  /** Absolute path of the route-config.json every router serves and watches. */
  configPath: string;
  /** Environment for `${VAR}` and overrides; the providers' URLs are added. @default process.env */
  env?: Record<string, string | undefined>;
  /** Routers to start, one per runtime. @default ['express', 'worker', 'lambda'] */
  runtimes?: readonly RuntimeName[];
  /** Stand-in providers and pure routers in front of them, for fault injection. @default false */
  standins?: boolean;
  /**
   * Preferred port of the first router (stack 1); the others prefer the next ones, then every
   * third port after (ten tries), else any free port. @default 0 (any free ports)
   */
  routerPort?: number;
  /** Stand-ins only: preferred port per provider id (from `.env`); busy ones fall back to any. */
  standinPorts?: Readonly<Record<string, number | undefined>>;
  /** @default '127.0.0.1' */
  host?: string;
  /** Every router's log lines (request lines, reloads), tagged with `runtime`. @default discarded */
  log?: (line: Record<string, unknown>) => void;
}

/** One router of the topology: a column of the live view and an entry point. */
export interface TopologyRouter {
  name: string;
  runtime: RuntimeName;
  url: string;
  /** The provider this router also is (stacks), `null` for a pure router (stand-ins). */
  provider: string | null;
}

/** A row of the "what runs where" table. */
export interface TopologyRow {
  name: string;
  url: string;
  role: string;
}

/** The running topology. */
export interface Topology {
  kind: 'stacks' | 'standins';
  /** Stacks 1-3 that were started (stacks topology), in id order; `[]` with stand-ins. */
  stacks: LocalStack[];
  /** Stand-ins 1, 2, 3 (`setMode('503' | 'hang' | 'refuse' | 'ok')`); `[]` for the stacks topology. */
  standins: Standin[];
  routers: TopologyRouter[];
  /** The environment the routers got (with LOCAL_BASE, WORKER_BASE, LAMBDA_BASE). */
  env: Record<string, string | undefined>;
  /** Provider id -> base URL, as the config's variables resolve. */
  providerUrls: Record<string, string>;
  /** What runs where, one row per process (and per stack that was not started). */
  rows(): TopologyRow[];
  /** {@link Topology.rows} as aligned text with a header line. */
  table(): string;
  /** Apps listed in the config, as the first router reports them (`/_config/route`). */
  apps(): Promise<string[]>;
  /** Stops every router, then every stand-in. */
  close(): Promise<void>;
}

/**
 * Starts the topology. Ports are picked first so every router starts with the environment naming
 * all three providers; the Worker and Lambda routers start in parallel (workerd and the Lambda
 * bundle take a few seconds each), the Express router once they listen (it probes them at start).
 * If anything fails to start, what did start is stopped before the error propagates
 * (`startRuntime`'s CLI errors: invalid config, port taken, runtime missing).
 *
 * @example
 * const topology = await startTopology({ configPath: resolve('route-config.json') });
 * console.log(topology.table());
 * await topology.stacks[2]!.setDrain(true); // stack 3 answers 503 for routed paths
 * await topology.close();
 */
export async function startTopology(options: TopologyOptions): Promise<Topology> {
  return options.standins ? startStandinTopology(options) : startStackTopology(options);
}

async function startStackTopology(options: TopologyOptions): Promise<Topology> {
  const host = options.host ?? '127.0.0.1';
  const runtimes = new Set(options.runtimes ?? STACKS.map((s) => s.runtime));
  const ports = await pickPorts(host, STACKS.length, options.routerPort ?? 0);
  const env: Record<string, string | undefined> = { ...(options.env ?? process.env) };
  // The local stacks share health as the cloud does: the Express router's in-process prober.
  env.ROUTE_HEALTH_INTERVAL_S ??= 'on';
  const urls: Record<string, string> = {};
  for (const [i, spec] of STACKS.entries()) {
    urls[spec.id] = `http://${host}:${ports[i]}`;
    env[spec.envVar] = urls[spec.id];
  }
  const log = options.log ?? (() => undefined);
  const wanted = STACKS.filter((s) => runtimes.has(s.runtime));
  const startOne = (spec: StackSpec) =>
    startLocalStack({ spec, configPath: options.configPath, host, port: ports[STACKS.indexOf(spec)]!, env, log });
  // The Express router probes its siblings at start (shared health, healthProber.ts): it starts once
  // they listen, or its first round would find them still booting and mark them down.
  const siblings = new Map(wanted.filter((s) => s.runtime !== 'express').map((s) => [s, startOne(s)] as const));
  await Promise.allSettled(siblings.values());
  const results = await Promise.allSettled(wanted.map((spec) => siblings.get(spec) ?? startOne(spec)));
  const stacks = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(stacks.map((s) => s.close().catch(() => undefined)));
    throw failed.reason;
  }
  const routers = stacks.map((s) => ({ name: `${s.spec.runtime} router`, runtime: s.spec.runtime, url: s.url, provider: s.spec.id }));
  const rows = (): TopologyRow[] =>
    STACKS.map((spec) => {
      const stack = stacks.find((s) => s.spec.id === spec.id);
      const variable = `\${${spec.envVar}}`;
      if (!stack)
        return { name: `provider ${spec.id} (not started)`, url: urls[spec.id]!, role: `${variable}: nothing listens (see --runtime)` };
      const drain = stack.draining() ? ', DRAINING' : '';
      const role = `provider ${spec.id} ${variable}, apps in-process, config: ${CONFIG_STORES[spec.runtime]}${drain}`;
      return { name: `${spec.runtime} router`, url: stack.url, role };
    });
  return {
    kind: 'stacks',
    stacks,
    standins: [],
    routers,
    env,
    providerUrls: urls,
    rows,
    table: () => formatRows(rows()),
    apps: () => listApps(routers[0]?.url),
    close: async () => {
      await Promise.all(stacks.map((s) => s.close().catch(() => undefined)));
    },
  };
}

async function startStandinTopology(options: TopologyOptions): Promise<Topology> {
  const host = options.host ?? '127.0.0.1';
  const runtimes = [...new Set(options.runtimes ?? STACKS.map((s) => s.runtime))];
  const standins: Standin[] = [];
  const routers: Array<TopologyRouter & { server: RunningServer }> = [];
  const stopAll = async (): Promise<void> => {
    // Routers first: none is left proxying to a stand-in that is already gone.
    await Promise.all(routers.splice(0).map((r) => r.server.close().catch(() => undefined)));
    await Promise.all(standins.splice(0).map((p) => p.close().catch(() => undefined)));
  };
  try {
    const env: Record<string, string | undefined> = { ...(options.env ?? process.env) };
    // Pure routers: no provider is this router and it hosts no app, so every attempt goes to a stand-in.
    delete env.ROUTE_SELF;
    env.ROUTE_APPS = 'none';
    const urls: Record<string, string> = {};
    for (const spec of STACKS) {
      const preferred = options.standinPorts?.[spec.id];
      const standin = await startOnFreePort(host, preferred ? [preferred] : [], (port) => startStandin({ id: spec.id, port, host }));
      standins.push(standin);
      urls[spec.id] = standin.url;
      env[spec.envVar] = standin.url;
    }
    const first = options.routerPort ?? 0;
    const log = options.log ?? (() => undefined);
    const results = await Promise.allSettled(
      runtimes.map(async (runtime, i) => {
        const candidates = first === 0 ? [] : portSequence(first + i, runtimes.length);
        const serve: ServeOptions = { configPath: options.configPath, port: 0, host, env, log: (line) => log({ runtime, ...line }) };
        const server = await startOnFreePort(host, candidates, (port) => startRuntime(runtime, { ...serve, port }, 'dev'));
        routers.push({ name: `${runtime} router`, runtime, url: server.url.replace(/\/+$/, ''), provider: null, server });
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const ordered = runtimes.map((runtime) => routers.find((r) => r.runtime === runtime)!);
    const plain = ordered.map(({ server: _server, ...router }) => router);
    const rows = (): TopologyRow[] => [
      ...standins.map((s, i) => ({ name: `provider ${s.id} (stand-in)`, url: s.url, role: `\${${STACKS[i]!.envVar}}` })),
      ...plain.map((r) => ({ name: r.name, url: r.url, role: `pure router, config: ${CONFIG_STORES[r.runtime]}` })),
    ];
    return {
      kind: 'standins',
      stacks: [],
      standins,
      routers: plain,
      env,
      providerUrls: urls,
      rows,
      table: () => formatRows(rows()),
      apps: () => listApps(plain[0]?.url),
      close: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** `first`, then every `step`-th port after it (ten in all), within the port range. */
function portSequence(first: number, step: number): number[] {
  return Array.from({ length: 10 }, (_, k) => first + k * step).filter((p) => p <= 65535);
}

/**
 * Distinct free ports for `count` routers: router i prefers `first + i`, then its sequence, else
 * any free port. Picked before anything starts, because every router's environment names them all.
 */
async function pickPorts(host: string, count: number, first: number): Promise<number[]> {
  const chosen: number[] = [];
  for (let i = 0; i < count; i++) {
    let port: number | undefined;
    for (const candidate of first === 0 ? [] : portSequence(first + i, count)) {
      if (!chosen.includes(candidate) && (await isPortFree(host, candidate))) {
        port = candidate;
        break;
      }
    }
    while (port === undefined || chosen.includes(port)) port = await anyFreePort(host);
    chosen.push(port);
  }
  return chosen;
}

function anyFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function listApps(router: string | undefined): Promise<string[]> {
  if (!router) return [];
  const response = await fetch(`${router}/_config/route`, { signal: AbortSignal.timeout(5000) });
  const body = (await response.json()) as { apps?: Record<string, unknown> };
  return Object.keys(body.apps ?? {});
}

/** Aligned columns with a header line. */
export function formatRows(rows: readonly TopologyRow[]): string {
  const all = [{ name: 'process', url: 'url', role: 'role' }, ...rows];
  const nameWidth = Math.max(...all.map((r) => r.name.length));
  const urlWidth = Math.max(...all.map((r) => r.url.length));
  return all.map((r) => `${r.name.padEnd(nameWidth)}  ${r.url.padEnd(urlWidth)}  ${r.role}`.trimEnd()).join('\n');
}
