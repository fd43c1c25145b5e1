import { DEFAULTS } from './defaults.ts';
import { ConfigValidationError } from './errors.ts';
import { contentVersion } from './contentVersion.ts';
import { PROVIDER_ID, routeConfigSchema } from './routeConfigSchema.ts';
import type { Env } from './types.ts';

/** A provider as the router uses it: origin and path prefix split once, at load time. */
export interface ProviderInfo {
  id: string;
  /** The base URL as configured (after `${VAR}` substitution), trailing slash dropped. */
  base: string;
  /** `scheme://host[:port]`: every upstream URL has exactly this origin. */
  origin: string;
  /** Path prefix without trailing slash (`''` when none). */
  prefix: string;
}

/** Fallback statuses, pre-split for a cheap per-attempt check. */
export interface FallbackOn {
  codes: ReadonlySet<number>;
  /** Status classes: 4 for "4xx", 5 for "5xx". */
  classes: ReadonlySet<number>;
}

/** Edge auth of a route. */
export interface RouteAuth {
  header: string;
  value: string;
  /** `null` = every method. */
  methods: ReadonlySet<string> | null;
}

/** Effective settings of one app (route values over top-level values over defaults). */
export interface RouteSettings {
  priority: readonly string[];
  prioritySource: 'config' | 'env';
  cache: boolean;
  cacheTtlSeconds: number;
  timeoutMs: number;
  deadlineMs: number;
  fallbackOn: FallbackOn;
  idempotentOnly: boolean;
  maxBodyBytes: number;
  auth: RouteAuth | null;
}

/** A parsed, validated, immutable config. Swapped whole, never half-applied. */
export interface RouteConfigSnapshot {
  version: string;
  /** Size of the JSON text in bytes. */
  bytes: number;
  providers: ReadonlyMap<string, ProviderInfo>;
  globalPriority: readonly string[];
  globalPrioritySource: 'config' | 'env';
  routes: ReadonlyMap<string, RouteSettings>;
  /** Settings for apps that have no route: top-level values, priority = global. */
  unlisted: RouteSettings;
  breaker: { failures: number; cooldownMs: number } | null;
  maxHops: number;
  backendSource: 'url' | 'id' | 'off';
}

/** Name of the environment variable that overrides an app's priority (`my-app` -> `MY_APP_ROUTE_PRIORITY`). */
export function appPriorityEnvName(app: string): string {
  return `${app.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_ROUTE_PRIORITY`;
}

const VAR_TOKEN = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Parses and validates a config text. Collects every problem before throwing, each message naming
 * its field, so one `validate` run shows all that is wrong.
 *
 * @param text - the JSON text as stored
 * @param env - where `${VAR}` tokens and the priority overrides are read from
 * @param version - the store's version; a content hash when absent
 * @throws {ConfigValidationError} listing every error
 * @example
 * const config = parseConfig(fs.readFileSync('route-config.json', 'utf8'), process.env);
 */
export function parseConfig(text: string, env: Env, version?: string): RouteConfigSnapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigValidationError([`(root): not valid JSON: ${(error as Error).message}`], { cause: error });
  }
  const issues: string[] = [];
  const substituted = substitute(raw, '', env, issues);
  const valid = routeConfigSchema.check(substituted, '', issues);
  // Cross-field checks run even when the shape had errors, on whatever parts are well-typed, so
  // one run lists every problem.
  const checked = (valid ?? wellTyped(substituted)) as NonNullable<typeof valid>;

  const providers = new Map<string, ProviderInfo>();
  for (const [id, base] of Object.entries(checked.providers ?? {})) {
    if (typeof base !== 'string' || !PROVIDER_ID.test(id)) continue;
    const info = parseProvider(id, base, issues);
    if (info) providers.set(id, info);
  }
  const ids = Object.keys(checked.providers ?? {});

  const top = {
    timeoutMs: checked.timeout_ms ?? DEFAULTS.timeout_ms,
    deadlineMs: checked.deadline_ms ?? DEFAULTS.deadline_ms,
    fallbackOn: toFallbackOn(checked.fallback_on ?? DEFAULTS.fallback_on),
    idempotentOnly: checked.idempotent_only ?? DEFAULTS.idempotent_only,
    maxBodyBytes: checked.max_body_bytes ?? DEFAULTS.max_body_bytes,
  };

  const envGlobal = nonEmpty(env.ROUTE_PRIORITY);
  const globalPriority = parsePriority(envGlobal ?? (typeof checked.global_priority === 'string' ? checked.global_priority : ''), envGlobal !== undefined ? 'ROUTE_PRIORITY (env)' : 'global_priority', ids, issues);

  const routes = new Map<string, RouteSettings>();
  for (const [app, r] of Object.entries(checked.routes ?? {})) {
    if (!r || typeof r !== 'object') continue;
    const envName = appPriorityEnvName(app);
    const envPriority = nonEmpty(env[envName]);
    routes.set(app, {
      priority: parsePriority(envPriority ?? (typeof r.priority === 'string' ? r.priority : ''), envPriority !== undefined ? `${envName} (env)` : `routes.${app}.priority`, ids, issues),
      prioritySource: envPriority !== undefined ? 'env' : 'config',
      cache: r.cache ?? DEFAULTS.cache,
      cacheTtlSeconds: r.cache_ttl_seconds ?? DEFAULTS.cache_ttl_seconds,
      timeoutMs: r.timeout_ms ?? top.timeoutMs,
      deadlineMs: r.deadline_ms ?? top.deadlineMs,
      fallbackOn: r.fallback_on ? toFallbackOn(r.fallback_on) : top.fallbackOn,
      idempotentOnly: r.idempotent_only ?? top.idempotentOnly,
      maxBodyBytes: r.max_body_bytes ?? top.maxBodyBytes,
      auth: r.auth
        ? { header: r.auth.header!, value: r.auth.value!, methods: r.auth.methods ? new Set(r.auth.methods) : null /* every method */ }
        : null,
    });
  }
  if (issues.length || !valid) throw new ConfigValidationError(issues.map((m) => (m.startsWith(':') ? `(root)${m}` : m)));

  const breaker = checked.breaker === false ? null : {
    failures: checked.breaker?.failures ?? DEFAULTS.breaker.failures,
    cooldownMs: checked.breaker?.cooldown_ms ?? DEFAULTS.breaker.cooldown_ms,
  };
  return {
    version: version ?? contentVersion(text),
    bytes: new TextEncoder().encode(text).byteLength,
    providers,
    globalPriority,
    globalPrioritySource: envGlobal !== undefined ? 'env' : 'config',
    routes,
    unlisted: { ...top, priority: globalPriority, prioritySource: envGlobal !== undefined ? 'env' : 'config', cache: false, cacheTtlSeconds: DEFAULTS.cache_ttl_seconds, auth: null },
    breaker,
    maxHops: checked.max_hops ?? DEFAULTS.max_hops,
    backendSource: checked.backend_source ?? DEFAULTS.backend_source,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

// Replace ${VAR} in every string value; an unresolved token is an error naming field and variable.
function substitute(value: unknown, path: string, env: Env, issues: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(VAR_TOKEN, (token, name: string) => {
      const resolved = env[name];
      if (resolved === undefined || resolved === '') {
        issues.push(`${path || '(root)'}: ${token} is not set in the environment`);
        return token;
      }
      return resolved;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, `${path}[${i}]`, env, issues));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substitute(v, path ? `${path}.${k}` : k, env, issues)]),
    );
  }
  return value;
}

function parsePriority(priority: string, field: string, ids: string[], issues: string[]): string[] {
  const order = [...priority];
  const seen = new Set<string>();
  for (const id of order) {
    if (!ids.includes(id)) {
      issues.push(`${field}: unknown provider id ${JSON.stringify(id)} in ${JSON.stringify(priority)} (known: ${ids.join(', ') || 'none'})`);
    } else if (seen.has(id)) {
      issues.push(`${field}: provider id ${JSON.stringify(id)} appears twice in ${JSON.stringify(priority)}`);
    }
    seen.add(id);
  }
  return order;
}

function parseProvider(id: string, base: string, issues: string[]): ProviderInfo | undefined {
  const field = `providers.${id}`;
  if (VAR_TOKEN.test(base)) {
    VAR_TOKEN.lastIndex = 0;
    return undefined; // already reported as unresolved
  }
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    issues.push(`${field}: ${JSON.stringify(base)} is not an absolute http(s) URL`);
    return undefined;
  }
  const problems: string[] = [];
  if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`scheme must be http or https, not ${url.protocol.replace(':', '')}`);
  if (url.username || url.password) problems.push('must not carry credentials');
  if (url.search || base.includes('?')) problems.push('must not carry a query');
  if (url.hash || base.includes('#')) problems.push('must not carry a fragment');
  if (problems.length) {
    issues.push(`${field}: ${JSON.stringify(base)} ${problems.join('; ')}`);
    return undefined;
  }
  const prefix = url.pathname.replace(/\/+$/, '');
  return { id, base: url.origin + prefix, origin: url.origin, prefix };
}

function toFallbackOn(entries: ReadonlyArray<number | string>): FallbackOn {
  const codes = new Set<number>();
  const classes = new Set<number>();
  for (const entry of entries) {
    if (typeof entry === 'number') codes.add(entry);
    else classes.add(Number(entry[0]));
  }
  return { codes, classes };
}

// The parts of an ill-shaped config that can still be cross-checked (objects where objects belong).
function wellTyped(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const v = value as Record<string, unknown>;
  const isObject = (x: unknown) => x !== null && typeof x === 'object' && !Array.isArray(x);
  return { providers: isObject(v.providers) ? v.providers : {}, routes: isObject(v.routes) ? v.routes : {}, global_priority: v.global_priority };
}
