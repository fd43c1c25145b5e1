import { CliError } from '../errors.ts';
import { isMissingModule } from '../isMissingModule.ts';
import { startOnFreePort } from '../ports.ts';
import { startRuntime } from '../startRuntime.ts';
import type { RuntimeName } from '../runtimes/types.ts';

/** One stand-in provider of the dev topology and the variable the config names it by. */
export interface DevProviderSpec {
  id: string;
  /** Name in the table. */
  name: string;
  /** Variable set to its URL, used as `${VAR}` in route-config.json. */
  envVar: string;
  /** Port used when neither the environment nor `.env.example` names one. */
  defaultPort: number;
}

/** The three stand-ins, in the seed's naming: 1 local, 2 worker, 3 lambda. */
export const DEV_PROVIDERS: readonly DevProviderSpec[] = [
  { id: '1', name: 'provider 1 (stand-in)', envVar: 'LOCAL_BASE', defaultPort: 4001 },
  { id: '2', name: 'provider 2 (stand-in)', envVar: 'WORKER_BASE', defaultPort: 4002 },
  { id: '3', name: 'provider 3 (stand-in)', envVar: 'LAMBDA_BASE', defaultPort: 4003 },
];

/** A process of the topology that is running. */
export interface DevProcess {
  name: string;
  url: string;
  /** What the table says beside it (the variable it fills, the config it reads). */
  note: string;
  kind: 'provider' | 'router';
  close(): Promise<void>;
}

/** Options of {@link startDevTopology}. */
export interface DevTopologyOptions {
  host: string;
  configPath: string;
  /** Environment before the stand-in URLs are filled in. */
  env: Record<string, string | undefined>;
  /** Preferred port per provider id (from `.env` / `.env.example`); busy ones fall back to any. */
  providerPorts: Record<string, number | undefined>;
  /** Router runtimes to start, one router each, all over the same config. */
  runtimes: readonly RuntimeName[];
  /**
   * Preferred port of the first router; router i prefers `routerPort + i`, then every third port
   * after it (ten tries), else any free port. 0 = any free ports.
   */
  routerPort: number;
  /** Every router's log lines (request lines, reloads), tagged with `runtime`. @default discarded */
  log?: (line: Record<string, unknown>) => void;
}

/** The running topology: every process (providers first) and the environment routers got. */
export interface DevTopology {
  processes: DevProcess[];
  env: Record<string, string | undefined>;
}

interface Standin {
  url: string;
  close(): Promise<void>;
}
type StartStandin = (opts: { id: string; port?: number; host?: string }) => Promise<Standin>;

/**
 * Starts the stand-in providers, points their variables at them, then one router per runtime, in
 * parallel (the Worker's workerd and the Lambda's bundle build take a few seconds each). Routers
 * draw from disjoint port sequences, so with the default 8787 they land on 8787, 8788, 8789 in
 * `runtimes` order when those are free. When any step fails, what was already started is closed
 * before the error propagates.
 */
export async function startDevTopology(options: DevTopologyOptions): Promise<DevTopology> {
  const processes: DevProcess[] = [];
  try {
    const startStandin = await loadStandin();
    const env = { ...options.env };
    for (const spec of DEV_PROVIDERS) {
      const preferred = options.providerPorts[spec.id] ?? spec.defaultPort;
      const standin = await startOnFreePort(options.host, [preferred], (port) => startStandin({ id: spec.id, port, host: options.host }));
      processes.push({ name: spec.name, url: standin.url, note: spec.envVar, kind: 'provider', close: () => standin.close() });
      env[spec.envVar] = standin.url;
    }
    const log = options.log ?? (() => undefined);
    const started = await Promise.allSettled(
      options.runtimes.map((runtime, i) => {
        const first = options.routerPort === 0 ? 0 : options.routerPort + i;
        const step = options.runtimes.length;
        const candidates = first === 0 ? [] : Array.from({ length: 10 }, (_, k) => first + k * step).filter((p) => p <= 65535);
        return startOnFreePort(options.host, candidates, (port) =>
          startRuntime(runtime, { configPath: options.configPath, port, host: options.host, env, log: (line) => log({ runtime, ...line }) }, 'dev'),
        );
      }),
    );
    for (const [i, result] of started.entries()) {
      if (result.status === 'fulfilled') {
        const server = result.value;
        processes.push({ name: `${options.runtimes[i]} router`, url: server.url, note: 'router', kind: 'router', close: () => server.close() });
      }
    }
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return { processes, env };
  } catch (error) {
    // Routers first, then providers: nothing is left listening behind a failed start.
    for (const p of [...processes].reverse()) await p.close().catch(() => undefined);
    throw error;
  }
}

async function loadStandin(): Promise<StartStandin> {
  const url = new URL('../../dev/standin.ts', import.meta.url);
  try {
    const mod = (await import(url.href)) as { startStandin?: StartStandin };
    if (typeof mod.startStandin === 'function') return mod.startStandin;
  } catch (error) {
    if (!isMissingModule(error, url)) throw error;
  }
  throw new CliError('dev: the stand-in providers (infra/dev/standin.ts) are not available in this checkout');
}
