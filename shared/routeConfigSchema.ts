import { DEFAULTS, FAILBACK_RAMP } from './defaults.ts';
import { arr, bool, either, int, obj, oneOf, record, str, type SchemaNode } from './schemaKit.ts';

/** A provider id: one character. */
export const PROVIDER_ID = /^[0-9A-Za-z]$/;
/** An app name, the first path segment of `/<app>/api/...`. */
export const APP_NAME = /^[a-z0-9-]+$/;

/** A share in (0, 1] (a fraction of requests). */
const share = (description: string, dflt?: number): SchemaNode<number> => ({
  check(value, path, issues) {
    if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 1) return value;
    issues.push(`${path}: must be a number in (0, 1] (a share of requests), got ${JSON.stringify(value) ?? typeof value}`);
    return undefined;
  },
  json: () => ({ type: 'number', exclusiveMinimum: 0, maximum: 1, description, ...(dflt !== undefined ? { default: dflt } : {}) }),
});

/** `hedge_after_ms`: whole ms in [1, 600000] or "auto"; the parser also caps it at the route's `timeout_ms`. */
const hedgeAfter: SchemaNode<number | 'auto'> = {
  check(value, path, issues) {
    if (value === 'auto' || (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 600_000)) return value;
    issues.push(`${path}: must be a whole number of ms in [1, timeout_ms] or "auto", got ${JSON.stringify(value) ?? typeof value}`);
    return undefined;
  },
  json: () => ({
    anyOf: [{ type: 'integer', minimum: 1, maximum: 600_000 }, { enum: ['auto'] }],
    description:
      'Hedged fallback (GET/HEAD/OPTIONS or Idempotency-Key only): with no response headers after this many ms, the next provider ' +
      'starts in parallel; "auto": 2 x the provider\'s recent p95, clamped to [50, timeout_ms]. Off when absent.',
  }),
};

const priority = (what: string) =>
  str({
    pattern: /^[0-9A-Za-z]*$/,
    patternHint: 'must be a string of provider ids (one character each, [0-9A-Za-z])',
    description: `${what}: provider ids tried left to right, e.g. "213"`,
  });

// Settings that may stand at the top (as defaults) or in a route (as overrides).
const tunables = {
  timeout_ms: {
    schema: int({ min: 1, max: 600_000, default: DEFAULTS.timeout_ms, description: 'Per attempt, until response headers arrive (ms).' }),
  },
  deadline_ms: {
    schema: int({ min: 1, max: 3_600_000, default: DEFAULTS.deadline_ms, description: 'Whole request, all attempts together (ms).' }),
  },
  fallback_on: {
    schema: arr(
      either(
        int({ min: 100, max: 599 }),
        (v) => typeof v === 'number',
        str({ pattern: /^[1-5]xx$/, patternHint: 'must be a status code or a class such as "4xx" or "5xx"' }),
      ),
      { default: DEFAULTS.fallback_on, description: 'Statuses that make the router try the next provider: codes or "4xx"/"5xx".' },
    ),
  },
  idempotent_only: {
    schema: bool({
      default: DEFAULTS.idempotent_only,
      description: 'When true, POST/PATCH fall back only when the attempt failed before the request was sent.',
    }),
  },
  max_body_bytes: {
    schema: int({
      min: 0,
      max: 1024 * 1024 * 1024,
      default: DEFAULTS.max_body_bytes,
      description: 'Request bodies up to this are buffered for replay; larger ones get 413.',
    }),
  },
  hedge_after_ms: { schema: hedgeAfter },
};

const auth = obj(
  {
    header: {
      schema: str({
        pattern: /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/,
        patternHint: 'is not a valid header name',
        description: 'Header that must carry the secret, e.g. X-Admin-Key.',
      }),
      required: true,
    },
    value: {
      schema: str({ minLength: 1, description: 'Expected value, usually "${SECRET_VAR}". Never shown by /_config/route.' }),
      required: true,
    },
    methods: {
      schema: arr(str({ pattern: /^[A-Z]+$/, patternHint: 'must be an upper-case HTTP method' }), {
        description: 'Methods that need the header; all methods when absent.',
      }),
    },
  },
  { description: 'Checked at the edge before any provider is contacted.' },
);

const statusAuth = obj(
  {
    header: {
      schema: str({
        pattern: /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/,
        patternHint: 'is not a valid header name',
        description: 'Header that must carry the key, e.g. X-Status-Key or Authorization.',
      }),
      required: true,
    },
    value: {
      schema: str({
        minLength: 1,
        description: 'Expected value, usually "${STATUS_KEY}" (with Authorization: "Basic ${STATUS_BASIC}" for a browser).',
      }),
      required: true,
    },
  },
  {
    description:
      'Key of /_router/status and /_router/metrics. Default: any route auth key opens them; with no auth anywhere they are open.',
  },
);

const route = obj({
  priority: { schema: priority('Order for this app'), required: true },
  cache: { schema: bool({ default: DEFAULTS.cache, description: 'Edge cache for GET/HEAD 200 answers.' }) },
  cache_ttl_seconds: {
    schema: int({ min: 0, max: 31_536_000, default: DEFAULTS.cache_ttl_seconds, description: 'Seconds a cached answer is fresh.' }),
  },
  ...tunables,
  auth: { schema: auth },
});

/** The schema of `route-config.json`: one definition for validation and for the JSON Schema. */
export const routeConfigSchema = obj(
  {
    $schema: { schema: str({ description: 'Path or URL of this JSON Schema, for editors; ignored by the routers.' }) },
    global_priority: { schema: priority('Order for an app that has no entry in routes') },
    routes: {
      schema: record(APP_NAME, 'is not a valid app name ([a-z0-9-]+)', route, {
        description: 'Per-app settings, keyed by the first path segment.',
      }),
    },
    providers: {
      schema: record(
        PROVIDER_ID,
        'is not a valid provider id (one character, [0-9A-Za-z])',
        str({
          minLength: 1,
          format: 'uri',
          description: 'Absolute http(s) base URL, optionally with a path prefix; ${VAR} tokens allowed.',
        }),
        { description: 'Provider id -> base URL.' },
      ),
      required: true,
    },
    ...tunables,
    breaker: {
      schema: either(
        oneOf([false] as const),
        (v) => v === false || typeof v !== 'object',
        obj({
          failures: { schema: int({ min: 1, max: 1000, default: DEFAULTS.breaker.failures }) },
          cooldown_ms: { schema: int({ min: 1, max: 86_400_000, default: DEFAULTS.breaker.cooldown_ms }) },
        }),
        { default: DEFAULTS.breaker, description: 'Circuit breaker per provider; false turns it off.' },
      ),
    },
    hedge_budget: {
      schema: share(
        'Share of requests per router instance that may be hedged (token bucket, burst of max(10, 100 x share)).',
        DEFAULTS.hedge_budget,
      ),
    },
    failback: {
      schema: either(
        oneOf([false, true] as const),
        (v) => typeof v !== 'object' || v === null,
        obj({
          ramp_ms: {
            schema: int({
              min: 1,
              max: 3_600_000,
              default: FAILBACK_RAMP.ramp_ms,
              description: 'Length of the ramp (ms), jittered by 5%.',
            }),
          },
          start_share: {
            schema: share('Share of requests the provider is first in line for when the ramp starts.', FAILBACK_RAMP.start_share),
          },
        }),
        {
          default: DEFAULTS.failback,
          description:
            'Gentle failback: a provider whose breaker closes again gets a share of requests ramping to all of them; true = defaults.',
        },
      ),
    },
    max_buffered_body_bytes: {
      schema: int({
        min: 0,
        max: 4 * 1024 * 1024 * 1024,
        default: DEFAULTS.max_buffered_body_bytes,
        description:
          'Request-body bytes being received at once across all requests of one router process; a request beyond it gets 503 with Retry-After.',
      }),
    },
    status_auth: { schema: statusAuth },
    max_hops: {
      schema: int({ min: 1, max: 32, default: DEFAULTS.max_hops, description: 'Loop guard: X-Route-Hops at or above this answers 508.' }),
    },
    backend_source: {
      schema: oneOf(['url', 'id', 'off'] as const, { default: DEFAULTS.backend_source, description: 'What X-Backend-Source shows.' }),
    },
  },
  { description: 'hadoku-route routing config.' },
) satisfies SchemaNode<unknown>;

/** The JSON Schema (draft 2020-12) of `route-config.json`, generated from {@link routeConfigSchema}. */
export const routeConfigJsonSchema: Record<string, unknown> = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://hadoku.me/schemas/route-config.schema.json',
  title: 'hadoku-route config',
  ...routeConfigSchema.json(),
};
