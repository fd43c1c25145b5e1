/**
 * Bindings and variables the router Worker expects (see `wrangler.toml`).
 *
 * Every other string in `env` (vars such as `LOCAL_BASE`, secrets such as `TASK_ADMIN_KEY`) is
 * available to `${VAR}` tokens and to the `ROUTE_PRIORITY` / `<APP>_ROUTE_PRIORITY` overrides.
 */
export interface WorkerEnv {
  /** KV namespace holding the routing config under the key `route-config`. */
  SETTINGS: KVNamespace;
  /** Static assets binding: every path the router does not own is served from here. */
  STATIC: Fetcher;
  /**
   * Seconds an isolate keeps the KV config before reading it again.
   * @default "10"
   */
  ROUTE_CONFIG_MAX_AGE?: string;
  /** Provider id of this deployment (SPEC section 4); optional for a pure router. */
  ROUTE_SELF?: string;
  [name: string]: unknown;
}
