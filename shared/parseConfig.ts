import { DEFAULTS, FAILBACK_RAMP } from './defaults.ts';
import type { FailbackSettings } from './failbackRamp.ts';
import type { HedgeSetting } from './hedgePolicy.ts';
import { ConfigValidationError } from './errors.ts';
import { contentVersion } from './contentVersion.ts';
import { jsonSyntaxProblem } from './jsonSyntaxError.ts';
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
  /** Hedged fallback delay (`hedge_after_ms`): ms, `'auto'`, or `null` (off). */
  hedgeAfterMs: HedgeSetting;
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
  /** Share of requests per instance that may be hedged (`hedge_budget`). */
  hedgeBudget: number;
  /** Gentle failback ramp (`failback`); `null`: a recovered provider gets its whole share at once. */
  failback: FailbackSettings | null;
  /** Request-body bytes being received at once across the process (`max_buffered_body_bytes`). */
  maxBufferedBodyBytes: number;
  maxHops: number;
  backendSource: 'url' | 'id' | 'off';
  /** Key of `/_router/status` (`status_auth`); `null`: the routes' `auth` keys guard it. */
  statusAuth: { header: string; value: string } | null;
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
  } catch {
    // Never the engine's message (nor its error as `cause`): it quotes the text around the error,
    // which may be a secret typed without quotes.
    throw new ConfigValidationError([describeSyntaxError(text)]);
  }
  const issues: string[] = [];
  const substitutions: Substitution[] = [];
  const substituted = substitute(raw, '', env, issues, substitutions);
  const valid = routeConfigSchema.check(substituted, '', issues);
  // Cross-field checks run even when the shape had errors, on whatever parts are well-typed, so
  // one run lists every problem.
  const checked = (valid ?? wellTyped(substituted)) as NonNullable<typeof valid>;

  const providers = new Map<string, ProviderInfo>();
  for (const [id, base] of Object.entries(checked.providers ?? {})) {
    if (typeof base !== 'string' || !PROVIDER_ID.test(id)) continue;
    const template = substitutions.find((sub) => sub.path === `providers.${id}`)?.template;
    const info = parseProvider(id, base, issues, template);
    if (info) providers.set(id, info);
  }
  const ids = Object.keys(checked.providers ?? {});

  const top = {
    timeoutMs: checked.timeout_ms ?? DEFAULTS.timeout_ms,
    deadlineMs: checked.deadline_ms ?? DEFAULTS.deadline_ms,
    fallbackOn: toFallbackOn(checked.fallback_on ?? DEFAULTS.fallback_on),
    idempotentOnly: checked.idempotent_only ?? DEFAULTS.idempotent_only,
    maxBodyBytes: checked.max_body_bytes ?? DEFAULTS.max_body_bytes,
    hedgeAfterMs: checked.hedge_after_ms ?? DEFAULTS.hedge_after_ms,
  };
  checkHedgeAfter(top.hedgeAfterMs, top.timeoutMs, 'hedge_after_ms', issues);

  const envGlobal = nonEmpty(env.ROUTE_PRIORITY);
  const globalPriority = parsePriority(
    envGlobal ?? (typeof checked.global_priority === 'string' ? checked.global_priority : ''),
    envGlobal !== undefined ? 'ROUTE_PRIORITY (env)' : 'global_priority',
    ids,
    issues,
  );

  const routes = new Map<string, RouteSettings>();
  for (const [app, r] of Object.entries(checked.routes ?? {})) {
    if (!r || typeof r !== 'object') continue;
    const envName = appPriorityEnvName(app);
    const envPriority = nonEmpty(env[envName]);
    routes.set(app, {
      priority: parsePriority(
        envPriority ?? (typeof r.priority === 'string' ? r.priority : ''),
        envPriority !== undefined ? `${envName} (env)` : `routes.${app}.priority`,
        ids,
        issues,
      ),
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
      hedgeAfterMs: r.hedge_after_ms ?? top.hedgeAfterMs,
    });
    const field = r.hedge_after_ms !== undefined ? `routes.${app}.hedge_after_ms` : `routes.${app}.hedge_after_ms (from hedge_after_ms)`;
    if (r.hedge_after_ms !== undefined || r.timeout_ms !== undefined)
      checkHedgeAfter(routes.get(app)!.hedgeAfterMs, routes.get(app)!.timeoutMs, field, issues);
  }
  if (issues.length || !valid) {
    throw new ConfigValidationError(issues.map((m) => redactSubstitutions(m.startsWith(':') ? `(root)${m}` : m, substitutions)));
  }

  const breaker =
    checked.breaker === false
      ? null
      : {
          failures: checked.breaker?.failures ?? DEFAULTS.breaker.failures,
          cooldownMs: checked.breaker?.cooldown_ms ?? DEFAULTS.breaker.cooldown_ms,
        };
  const failback =
    checked.failback === undefined || checked.failback === false
      ? null
      : {
          rampMs: (checked.failback === true ? undefined : checked.failback.ramp_ms) ?? FAILBACK_RAMP.ramp_ms,
          startShare: (checked.failback === true ? undefined : checked.failback.start_share) ?? FAILBACK_RAMP.start_share,
        };
  return {
    version: version ?? contentVersion(text),
    bytes: new TextEncoder().encode(text).byteLength,
    providers,
    globalPriority,
    globalPrioritySource: envGlobal !== undefined ? 'env' : 'config',
    routes,
    unlisted: {
      ...top,
      priority: globalPriority,
      prioritySource: envGlobal !== undefined ? 'env' : 'config',
      cache: false,
      cacheTtlSeconds: DEFAULTS.cache_ttl_seconds,
      auth: null,
    },
    breaker,
    hedgeBudget: checked.hedge_budget ?? DEFAULTS.hedge_budget,
    failback,
    maxBufferedBodyBytes: checked.max_buffered_body_bytes ?? DEFAULTS.max_buffered_body_bytes,
    maxHops: checked.max_hops ?? DEFAULTS.max_hops,
    backendSource: checked.backend_source ?? DEFAULTS.backend_source,
    statusAuth: checked.status_auth ? { header: checked.status_auth.header!, value: checked.status_auth.value! } : DEFAULTS.status_auth,
  };
}

/** A fixed hedge delay past the attempt's own timeout would never fire: a config mistake, named. */
function checkHedgeAfter(hedgeAfterMs: HedgeSetting, timeoutMs: number, field: string, issues: string[]): void {
  if (typeof hedgeAfterMs === 'number' && hedgeAfterMs > timeoutMs) {
    issues.push(`${field}: ${hedgeAfterMs} must be in [1, timeout_ms] (timeout_ms is ${timeoutMs} here)`);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** A string value that had `${VAR}` tokens: its text before and after substitution, and each variable's value. */
interface Substitution {
  path: string;
  template: string;
  result: string;
  vars: Array<{ name: string; value: string }>;
}

// Replace ${VAR} in every string value; an unresolved token is an error naming field and variable.
// Every substitution is recorded so that no message can show a substituted value.
function substitute(value: unknown, path: string, env: Env, issues: string[], seen: Substitution[]): unknown {
  if (typeof value === 'string') {
    const vars: Substitution['vars'] = [];
    const result = value.replace(VAR_TOKEN, (token, name: string) => {
      const resolved = env[name];
      if (resolved === undefined || resolved === '') {
        issues.push(`${path || '(root)'}: ${token} is not set in the environment`);
        return token;
      }
      vars.push({ name, value: resolved });
      return resolved;
    });
    if (vars.length > 0) seen.push({ path, template: value, result, vars });
    return result;
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, `${path}[${i}]`, env, issues, seen));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, path ? `${path}.${k}` : k, env, issues, seen)]));
  }
  return value;
}

/** Shortest variable value hidden wherever it appears in a message (shorter ones only as a whole field value). */
const MIN_SCRUBBED_VALUE = 4;

/**
 * A validation message with every substituted value put back as its `${VAR}` form (SPEC 1: a
 * substituted value may be a secret). The field's whole value is replaced first (by its template,
 * so the message still reads `"http://admin:${PASS}@host" must not carry credentials`), then any
 * variable's value still left anywhere after the field name.
 */
function redactSubstitutions(message: string, substitutions: readonly Substitution[]): string {
  const colon = message.indexOf(': ');
  if (colon < 0 || substitutions.length === 0) return message;
  let detail = message.slice(colon);
  for (const s of substitutions) detail = detail.split(JSON.stringify(s.result)).join(JSON.stringify(s.template));
  const vars = substitutions.flatMap((s) => s.vars).filter((v) => v.value.length >= MIN_SCRUBBED_VALUE);
  for (const v of vars.sort((a, b) => b.value.length - a.value.length)) detail = detail.split(v.value).join(`\${${v.name}}`);
  return message.slice(0, colon) + detail;
}

/** `(root)` or the field, then line and column, of a text that is not JSON: never a snippet of it. */
function describeSyntaxError(text: string): string {
  const problem = jsonSyntaxProblem(text);
  if (problem === null) return '(root): not valid JSON';
  return `${problem.path}: not valid JSON at line ${problem.line}, column ${problem.column} (expected ${problem.expected})`;
}

function parsePriority(priority: string, field: string, ids: string[], issues: string[]): string[] {
  const order = [...priority];
  const seen = new Set<string>();
  for (const id of order) {
    if (!ids.includes(id)) {
      issues.push(
        `${field}: unknown provider id ${JSON.stringify(id)} in ${JSON.stringify(priority)} (known: ${ids.join(', ') || 'none'})`,
      );
    } else if (seen.has(id)) {
      issues.push(`${field}: provider id ${JSON.stringify(id)} appears twice in ${JSON.stringify(priority)}`);
    }
    seen.add(id);
  }
  return order;
}

function parseProvider(id: string, base: string, issues: string[], template?: string): ProviderInfo | undefined {
  const field = `providers.${id}`;
  // What a message may show: the text as written (`${VAR}` tokens unresolved), credentials hidden.
  const userinfo = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i;
  const shown = JSON.stringify(
    (template ?? base).replace(userinfo, (_all, scheme: string, credentials: string) => {
      const vars = credentials.match(VAR_TOKEN) ?? [];
      return `${scheme}<credentials${vars.length ? ` from ${vars.join(', ')}` : ''}>@`;
    }),
  );
  if (VAR_TOKEN.test(base)) {
    VAR_TOKEN.lastIndex = 0;
    return undefined; // already reported as unresolved
  }
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    issues.push(`${field}: ${shown} is not an absolute http(s) URL`);
    return undefined;
  }
  const problems: string[] = [];
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    problems.push(`scheme must be http or https, not ${url.protocol.replace(':', '')}`);
  if (url.username || url.password) problems.push('must not carry credentials');
  if (url.search || base.includes('?')) problems.push('must not carry a query');
  if (url.hash || base.includes('#')) problems.push('must not carry a fragment');
  if (problems.length) {
    issues.push(`${field}: ${shown} ${problems.join('; ')}`);
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
  return {
    providers: isObject(v.providers) ? v.providers : {},
    routes: isObject(v.routes) ? v.routes : {},
    global_priority: v.global_priority,
  };
}
