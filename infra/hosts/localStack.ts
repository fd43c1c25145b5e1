import { startRuntime } from './startRuntime.ts';
import type { RunningServer, RuntimeName, ServeOptions } from './types.ts';

/** How long a stack being restarted lets its requests in flight finish. */
const RESTART_GRACE_MS = 1000;

/** One stack of the seed's topology: a router runtime that is also provider `id` (it hosts the apps). */
export interface StackSpec {
  /** Provider id, also the router's `ROUTE_SELF`. */
  id: string;
  runtime: RuntimeName;
  /** Variable route-config.json names this provider by (`${LOCAL_BASE}` ...). */
  envVar: string;
}

/** Options of {@link startLocalStack}. */
export interface LocalStackOptions {
  spec: StackSpec;
  configPath: string;
  host: string;
  /** The port picked for this stack: it stays the same across drain restarts (the config names it). */
  port: number;
  /** Environment naming every stack (`LOCAL_BASE`, `WORKER_BASE`, `LAMBDA_BASE`). */
  env: Record<string, string | undefined>;
  log: (line: Record<string, unknown>) => void;
}

/** A running stack that can be drained and restored the way the cloud drill does it. */
export interface LocalStack {
  readonly spec: StackSpec;
  /** `http://127.0.0.1:<port>`: the router's entry point and provider `id`'s base URL. */
  readonly url: string;
  /** Whether the running router was started with `ROUTE_DRAIN=true`. */
  draining(): boolean;
  /**
   * Restarts the router on the same port with `ROUTE_DRAIN=true` (or without it), as a
   * `cdk deploy -c drain=true` / `wrangler deploy --var ROUTE_DRAIN:true` replaces a deployment.
   * Resolves once the new router answers `/_router/health`; calls are run one after another.
   */
  setDrain(on: boolean): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts one stack's router with `ROUTE_SELF` = its id, hosting the apps (the runtime's default),
 * so that it serves provider `id`'s attempts in-process and answers another router's
 * `X-No-Fallback` request with its own copy.
 *
 * @example
 * const spec = { id: '3', runtime: 'lambda', envVar: 'LAMBDA_BASE' } as const;
 * const stack = await startLocalStack({ spec, configPath, host: '127.0.0.1', port: 8789, env, log });
 * await stack.setDrain(true); // 503 for routed paths, drain: true in /_router/health
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { spec } = options;
  const start = (drain: boolean): Promise<RunningServer> => {
    const serve: ServeOptions = {
      configPath: options.configPath,
      port: options.port,
      host: options.host,
      // 'false' rather than absent: a ROUTE_DRAIN in the developer's shell must not drain a restored stack.
      env: { ...options.env, ROUTE_SELF: spec.id, ROUTE_DRAIN: drain ? 'true' : 'false' },
      self: spec.id,
      log: (line) => options.log({ runtime: spec.runtime, ...line }),
    };
    return startRuntime(spec.runtime, serve, 'dev');
  };
  let server: RunningServer | undefined = await start(false);
  let drained = false;
  let queue: Promise<void> = Promise.resolve();
  return {
    spec,
    url: server.url.replace(/\/+$/, ''),
    draining: () => drained,
    setDrain(on) {
      const step = queue.then(async () => {
        // As a deploy replaces a deployment: requests in flight may finish (runtimes that honour it).
        await server?.close(RESTART_GRACE_MS);
        server = undefined;
        server = await start(on);
        drained = on;
      });
      queue = step.catch(() => undefined);
      return step;
    },
    async close() {
      await queue;
      await server?.close();
      server = undefined;
    },
  };
}
