import { DEFAULTS } from './defaults.ts';
import { arr, bool, either, int, obj, oneOf, record, str, type SchemaNode } from './schemaKit.ts';

/** A provider id: one character. */
export const PROVIDER_ID = /^[0-9A-Za-z]$/;
/** An app name, the first path segment of `/<app>/api/...`. */
export const APP_NAME = /^[a-z0-9-]+$/;

const priority = (what: string) =>
  str({
    pattern: /^[0-9A-Za-z]*$/,
    patternHint: 'must be a string of provider ids (one character each, [0-9A-Za-z])',
    description: `${what}: provider ids tried left to right, e.g. "213"`,
  });

// Settings that may stand at the top (as defaults) or in a route (as overrides).
const tunables = {
  timeout_ms: { schema: int({ min: 1, max: 600_000, default: DEFAULTS.timeout_ms, description: 'Per attempt, until response headers arrive (ms).' }) },
  deadline_ms: { schema: int({ min: 1, max: 3_600_000, default: DEFAULTS.deadline_ms, description: 'Whole request, all attempts together (ms).' }) },
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
    schema: bool({ default: DEFAULTS.idempotent_only, description: 'When true, POST/PATCH fall back only when the attempt failed before the request was sent.' }),
  },
  max_body_bytes: {
    schema: int({ min: 0, max: 1024 * 1024 * 1024, default: DEFAULTS.max_body_bytes, description: 'Request bodies up to this are buffered for replay; larger ones get 413.' }),
  },
};

const auth = obj(
  {
    header: {
      schema: str({ pattern: /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, patternHint: 'is not a valid header name', description: 'Header that must carry the secret, e.g. X-Admin-Key.' }),
      required: true,
    },
    value: { schema: str({ minLength: 1, description: 'Expected value, usually "${SECRET_VAR}". Never shown by /_config/route.' }), required: true },
    methods: {
      schema: arr(str({ pattern: /^[A-Z]+$/, patternHint: 'must be an upper-case HTTP method' }), {
        description: 'Methods that need the header; all methods when absent.',
      }),
    },
  },
  { description: 'Checked at the edge before any provider is contacted.' },
);

const route = obj({
  priority: { schema: priority('Order for this app'), required: true },
  cache: { schema: bool({ default: DEFAULTS.cache, description: 'Edge cache for GET/HEAD 200 answers.' }) },
  cache_ttl_seconds: { schema: int({ min: 0, max: 31_536_000, default: DEFAULTS.cache_ttl_seconds, description: 'Seconds a cached answer is fresh.' }) },
  ...tunables,
  auth: { schema: auth },
});

/** The schema of `route-config.json`: one definition for validation and for the JSON Schema. */
export const routeConfigSchema = obj(
  {
    $schema: { schema: str({ description: 'Path or URL of this JSON Schema, for editors; ignored by the routers.' }) },
    global_priority: { schema: priority('Order for an app that has no entry in routes') },
    routes: {
      schema: record(APP_NAME, 'is not a valid app name ([a-z0-9-]+)', route, { description: 'Per-app settings, keyed by the first path segment.' }),
    },
    providers: {
      schema: record(
        PROVIDER_ID,
        'is not a valid provider id (one character, [0-9A-Za-z])',
        str({ minLength: 1, format: 'uri', description: 'Absolute http(s) base URL, optionally with a path prefix; ${VAR} tokens allowed.' }),
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
    max_hops: { schema: int({ min: 1, max: 32, default: DEFAULTS.max_hops, description: 'Loop guard: X-Route-Hops at or above this answers 508.' }) },
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
