/**
 * The contract every `serve --runtime` implementation meets: start the runtime locally over a
 * config file, resolve once it listens, and stop cleanly on `close()`.
 */

/** Options of {@link ServeRuntime}. */
export interface ServeOptions {
  /** Absolute path of the config file: the runtime's config source, watched for edits. */
  configPath: string;
  /** Port to listen on; 0 = any free port. */
  port: number;
  /** Interface to bind. @default '127.0.0.1' */
  host: string;
  /** Environment: `${VAR}` values, priority overrides, `ROUTE_SELF`. */
  env: Record<string, string | undefined>;
  /** Where the runtime reports its own events (reloads, rejected configs). */
  log?: (line: Record<string, unknown>) => void;
  /** Static folder for non-API paths, for runtimes that serve one. */
  staticDir?: string;
  /** This deployment's provider id (also in `env.ROUTE_SELF`). */
  self?: string;
  /**
   * Worker only: keep the local KV in this folder, the one `wrangler --persist-to DIR` and
   * `hadoku-route flip --target kv --local --persist-to DIR` use, so a KV flip reaches the running
   * Worker. @default an in-memory KV, private to this process
   */
  persistTo?: string;
}

/** A runtime that is listening. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /**
   * Stops listening and releases everything the runtime started. `graceMs`: how long in-flight
   * requests may take to finish first (the express runtime honours it; the others stop at once).
   */
  close(graceMs?: number): Promise<void>;
}

/** Starts one router runtime locally. */
export type ServeRuntime = (options: ServeOptions) => Promise<RunningServer>;

/** Names accepted by `--runtime`. */
export const RUNTIME_NAMES = ['express', 'worker', 'lambda'] as const;

/** One of {@link RUNTIME_NAMES}. */
export type RuntimeName = (typeof RUNTIME_NAMES)[number];
