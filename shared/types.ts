/**
 * Public types of the fallback core. The core speaks only the Fetch API: a runtime adapter
 * converts its native request into a `Request`, calls {@link Router.handle}, and converts the
 * `Response` back. Everything runtime-specific (transport, clock, logger, cache store, config
 * store) is injected through {@link RouterOptions}.
 */

/** Where the effective config came from, as shown by `GET /_config/route`. */
export type ConfigSourceName = 'file' | 'ssm' | 'kv' | 'baked';

/** Environment the `${VAR}` tokens and the priority overrides are read from. */
export type Env = Readonly<Record<string, string | undefined>>;

/** What a config store reader returns: the raw JSON text and, when the store has one, its version. */
export interface ConfigRead {
  /** Raw JSON text exactly as stored. */
  text: string;
  /** Store version (SSM parameter version, file mtime...); a content hash is used when absent. */
  version?: string;
  /**
   * The shared health document's raw text, read in the same store round trip as the config
   * (`HEALTH_DOC.kvKey` beside the KV config, the `ROUTE_HEALTH_PARAM` parameter beside the SSM
   * one): `null` when the store holds none; absent when this reader does not read one.
   */
  health?: string | null;
  /**
   * Changes when the environment the `${VAR}`s are filled from changed (the Lambda's rotated
   * secret): the same text is then parsed again, since its effective config changed.
   */
  envVersion?: string;
}

/**
 * Reads the raw config from one store. Resolve `null` when the store answered but holds no
 * config (missing KV key / parameter); reject when the store could not be reached.
 */
export type ConfigReader = () => Promise<ConfigRead | null>;

/**
 * Init accepted by the upstream transport. Deliberately a subset of `RequestInit` so the global
 * `fetch` (Node, workerd) satisfies {@link UpstreamFetch} as it is.
 */
export interface UpstreamInit {
  method: string;
  headers: Headers;
  body: Uint8Array | null;
  signal: AbortSignal;
  /** Always `'manual'`: redirects go back to the client as they are (SPEC 3.4). */
  redirect: 'manual';
}

/**
 * Sends one attempt to a provider. Must resolve once response headers arrive and honour
 * `init.signal` by aborting the connection. The returned `Response` must describe its body
 * truthfully: a transport that decodes gzip must drop `Content-Encoding`/`Content-Length`.
 *
 * A rejection is a connection error. When the transport knows the request never left (connection
 * refused, DNS failure), it should reject with an error carrying `notSent: true` or a `code` of
 * `ECONNREFUSED`/`ENOTFOUND`/`EAI_AGAIN` (directly or on `cause`): that is what lets
 * `idempotent_only` writes fall back safely.
 */
export type UpstreamFetch = (url: string, init: UpstreamInit) => Promise<Response>;

/** The deployment's own copy of the apps, served in-process when self comes up (SPEC 4). */
export type LocalHandler = (request: Request) => Promise<Response>;

/**
 * The execution context an app's `fetch` receives as its third argument: what a Worker's
 * `ExecutionContext` (and Hono's `executionCtx`) has, without importing any runtime.
 */
export interface AppContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
  /** Per-invocation properties (a Worker's `ctx.props`); empty here. */
  props: Record<string, unknown>;
}

/**
 * A hosted micro-app: a Fetch handler module, the shape of a Worker module and of a Hono app, so
 * `export default app` from Hono drops in unchanged. It receives the request as the client sent it
 * (path `/<app>/api/...`), the deployment's environment and an {@link AppContext}.
 *
 * @example
 * const hello: AppModule = { fetch: (request, env) => Response.json({ hello: 'world', provider: env.ROUTE_SELF }) };
 */
export interface AppModule {
  fetch(request: Request, env: AppEnv, ctx: AppContext): Response | Promise<Response>;
}

/**
 * What an app's `fetch` gets as `env`: the deployment's variables (process env on Node and
 * Lambda, the Worker's `env` with its bindings) plus `ROUTE_SELF` and `ROUTE_RUNTIME`.
 */
export type AppEnv = Readonly<Record<string, unknown>> & { readonly ROUTE_SELF?: string; readonly ROUTE_RUNTIME?: string };

/** The apps a deployment can host, by app name (`[a-z0-9-]+`, the `<app>` of `/<app>/api`). */
export type AppRegistry = Readonly<Record<string, AppModule>>;

/** One cached answer, as an {@link EdgeCache} store returns it. */
export interface CachedEntry {
  /** A fresh `Response` for the stored answer (status 200, stored headers and body). */
  response: Response;
  /** When it was stored, in ms since the epoch. */
  storedAt: number;
}

/**
 * Edge cache store (SPEC 6). The core decides what is cacheable, freshness and staleness; a store
 * only keeps entries. `keepSeconds` is how long the store must keep the entry (TTL plus the
 * stale-if-error window).
 */
export interface EdgeCache {
  match(key: string): Promise<CachedEntry | undefined>;
  put(key: string, response: Response, storedAt: number, keepSeconds: number): Promise<void>;
}

/** Outcome of one attempt, as logged and shown in `Server-Timing`. */
export type AttemptOutcome = 'status' | 'timeout' | 'error' | 'aborted';

/** One attempt of a routed request. */
export interface AttemptRecord {
  provider: string;
  outcome: AttemptOutcome;
  /** HTTP status when `outcome` is `'status'`. */
  status?: number;
  /** Milliseconds from sending to headers (or failure), one decimal. */
  ms: number;
  /** `true` when the local handler served this attempt in-process. */
  local?: boolean;
  /** `true` when this attempt was started as a hedge, in parallel with the one before it. */
  hedge?: boolean;
  /** `true` when this attempt was aborted because the other attempt of its hedge answered first. */
  lost?: boolean;
}

/** The one structured log line per routed request (SPEC 8). */
export interface RequestLogEntry {
  level: 'info' | 'warn' | 'error';
  msg: 'routed';
  time: string;
  request_id: string;
  app: string;
  method: string;
  path: string;
  attempts: AttemptRecord[];
  /** Provider id that produced the answer; `null` for router-made answers. */
  provider: string | null;
  status: number;
  /** `HIT` / `STALE` / `MISS` when the route caches. */
  cache?: 'HIT' | 'MISS' | 'STALE';
  /** `true` when the answer was the drill's 503 (`ROUTE_DRAIN`): no provider was asked. */
  drained?: true;
  ms: number;
  config_version: string;
  runtime?: string;
}

/** Per-request context an adapter may pass in. */
export interface RouterContext {
  /** Client IP address, appended to `X-Forwarded-For`. */
  clientAddress?: string;
  /** Keeps background work (cache writes) alive after the response, as workerd's `ctx.waitUntil`. */
  waitUntil?(promise: Promise<unknown>): void;
  /**
   * Overrides the local handler for this request only (Express middleware mode, where the rest of
   * the middleware chain plays that part).
   */
  local?: LocalHandler;
}
