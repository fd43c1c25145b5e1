import { describe, expect, it } from 'vitest';
import { ConfigValidationError, DEFAULTS, configWarnings, describeOrders, parseConfig } from '../../shared/index.ts';

const env = {
  LOCAL_BASE: 'http://127.0.0.1:4001',
  WORKER_BASE: 'https://worker.example.com',
  LAMBDA_BASE: 'https://abc.lambda-url.eu-west-1.on.aws',
};
const base = { providers: { '1': '${LOCAL_BASE}', '2': '${WORKER_BASE}', '3': '${LAMBDA_BASE}' } };
const text = (config: unknown) => JSON.stringify(config);

function errorsOf(config: unknown, e: Record<string, string> = env): string[] {
  try {
    parseConfig(typeof config === 'string' ? config : text(config), e);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).errors;
  }
  throw new Error('expected the config to be rejected');
}

describe('Function: parseConfig', () => {
  describe('SPEC 1: the seed examples are valid as they are', () => {
    it.each([
      [
        'design section 3',
        {
          global_priority: '21',
          routes: { task: { priority: '213', cache: false }, watchparty: { priority: '1', cache: true, cache_ttl_seconds: 60 } },
          providers: { '1': 'https://api.hadoku.me', '2': 'https://worker.hadoku.me', '3': 'https://xyz.lambda-url.aws' },
        },
      ],
      ['quick reference', { global_priority: '2', routes: { task: { priority: '21' }, watchparty: { priority: '1' } }, ...base }],
    ])('%s', (_name, config) => {
      // Act
      const parsed = parseConfig(text(config), env);
      // Assess
      expect(parsed.providers.size).toBe(3);
      expect(parsed.routes.get('task')?.timeoutMs).toBe(DEFAULTS.timeout_ms);
    });
  });

  it('applies every default from one place', () => {
    const parsed = parseConfig(text({ ...base, routes: { task: { priority: '1' } } }), env);
    const task = parsed.routes.get('task')!;
    expect(task).toMatchObject({
      cache: false,
      cacheTtlSeconds: 60,
      timeoutMs: 2500,
      deadlineMs: 8000,
      idempotentOnly: false,
      maxBodyBytes: 10485760,
      auth: null,
    });
    expect([...task.fallbackOn.codes]).toEqual([404]);
    expect([...task.fallbackOn.classes]).toEqual([5]);
    expect(parsed.breaker).toEqual({ failures: 3, cooldownMs: 30000 });
    expect(parsed.maxHops).toBe(4);
    expect(parsed.backendSource).toBe('url');
    expect(parsed.globalPriority).toEqual([]);
  });

  it('lets a route override top-level settings and top-level override defaults', () => {
    const parsed = parseConfig(
      text({ ...base, timeout_ms: 100, fallback_on: ['4xx'], routes: { a: { priority: '1', timeout_ms: 50 }, b: { priority: '2' } } }),
      env,
    );
    expect(parsed.routes.get('a')!.timeoutMs).toBe(50);
    expect(parsed.routes.get('b')!.timeoutMs).toBe(100);
    expect([...parsed.routes.get('b')!.fallbackOn.classes]).toEqual([4]);
    const own = parseConfig(text({ ...base, fallback_on: ['4xx'], routes: { a: { priority: '1', fallback_on: [502] } } }), env);
    expect([...own.routes.get('a')!.fallbackOn.classes]).toEqual([]);
    expect([...own.routes.get('a')!.fallbackOn.codes]).toEqual([502]);
    expect(parsed.unlisted.timeoutMs).toBe(100);
  });

  it('keeps a provider path prefix and drops its trailing slash', () => {
    const parsed = parseConfig(text({ providers: { a: 'https://x.example/base/' } }), {});
    expect(parsed.providers.get('a')).toEqual({ id: 'a', base: 'https://x.example/base', origin: 'https://x.example', prefix: '/base' });
  });

  describe('rejects with a message naming the field', () => {
    it.each<[string, unknown, string]>([
      [
        'unknown provider id in a priority',
        { ...base, routes: { task: { priority: '217' } } },
        'routes.task.priority: unknown provider id "7"',
      ],
      ['unknown id in global_priority', { ...base, global_priority: '9' }, 'global_priority: unknown provider id "9"'],
      ['duplicated id', { ...base, routes: { task: { priority: '121' } } }, 'routes.task.priority: provider id "1" appears twice'],
      ['not an absolute URL', { providers: { '1': 'api.hadoku.me' } }, 'providers.1: "api.hadoku.me" is not an absolute http(s) URL'],
      ['not http(s)', { providers: { '1': 'ftp://x.example' } }, 'providers.1: "ftp://x.example" scheme must be http or https'],
      [
        'credentials (never shown)',
        { providers: { '1': 'https://u:p@x.example' } },
        'providers.1: "https://<credentials>@x.example" must not carry credentials',
      ],
      ['query', { providers: { '1': 'https://x.example/?a=1' } }, 'must not carry a query'],
      ['fragment', { providers: { '1': 'https://x.example/#f' } }, 'must not carry a fragment'],
      ['unresolved ${VAR}', { providers: { '1': '${NOPE_BASE}' } }, 'providers.1: ${NOPE_BASE} is not set in the environment'],
      ['unknown top-level key (typo)', { ...base, timout_ms: 5 }, 'timout_ms: unknown key (did you mean "timeout_ms"?)'],
      ['unknown route key', { ...base, routes: { task: { priority: '1', cache_ttl: 5 } } }, 'routes.task.cache_ttl: unknown key'],
      ['wrong type', { ...base, routes: { task: { priority: 213 } } }, 'routes.task.priority: expected a string, got number'],
      ['wrong type for a number', { ...base, timeout_ms: '2500' }, 'timeout_ms: expected an integer, got string'],
      ['missing providers', { global_priority: '' }, 'providers: required'],
      ['missing route priority', { ...base, routes: { task: { cache: true } } }, 'routes.task.priority: required'],
      ['bad provider id', { providers: { '12': 'https://x.example' } }, 'providers.12: "12" is not a valid provider id'],
      ['bad app name', { ...base, routes: { Task: { priority: '1' } } }, 'routes.Task: "Task" is not a valid app name'],
      ['bad fallback_on entry', { ...base, fallback_on: ['5XX'] }, 'fallback_on[0]: "5XX" must be a status code or a class'],
      ['breaker true', { ...base, breaker: true }, 'breaker: expected one of false'],
      ['backend_source value', { ...base, backend_source: 'name' }, 'backend_source: expected one of "url", "id", "off"'],
      [
        'auth without value',
        { ...base, routes: { task: { priority: '1', auth: { header: 'X-Admin-Key' } } } },
        'routes.task.auth.value: required',
      ],
      ['not JSON', '{"providers": ', 'providers: not valid JSON at line 1, column 15'],
      ['not an object', '[]', '(root): expected an object, got array'],
      [
        'an id when no provider is known',
        { providers: {}, global_priority: '1' },
        'global_priority: unknown provider id "1" in "1" (known: none)',
      ],
      // A route that is not an object is named, and the other routes are still checked in the same run.
      [
        'a route that is not an object',
        { ...base, routes: { task: 5, watch: { priority: '9' } } },
        'routes.task: expected an object, got number',
      ],
      [
        '...beside the problems of the other routes',
        { ...base, routes: { task: 5, watch: { priority: '9' } } },
        'routes.watch.priority: unknown provider id "9"',
      ],
    ])('%s', (_name, config, message) => {
      expect(errorsOf(config).join('\n')).toContain(message);
    });
  });

  it('a ${VAR} set to the empty string counts as not set', () => {
    expect(errorsOf({ providers: { '1': '${EMPTY_BASE}' } }, { EMPTY_BASE: '' })).toContain(
      'providers.1: ${EMPTY_BASE} is not set in the environment',
    );
  });

  it('lists every error at once', () => {
    const errors = errorsOf({ providers: { '1': 'nope', '2': '${MISSING}' }, global_priority: '19', timout_ms: 1 });
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(errors.join('\n')).toMatch(/providers\.1[\s\S]*providers\.2|providers\.2[\s\S]*providers\.1/);
    expect(errors.join('\n')).toContain('timout_ms');
  });

  it('accepts $schema and ignores it', () => {
    expect(() => parseConfig(text({ $schema: './route-config.schema.json', ...base }), env)).not.toThrow();
  });

  describe('SPEC 1: environment overrides', () => {
    const config = text({ ...base, global_priority: '21', routes: { task: { priority: '213' }, 'watch-party': { priority: '1' } } });

    it('ROUTE_PRIORITY replaces global_priority and is reported as env', () => {
      const parsed = parseConfig(config, { ...env, ROUTE_PRIORITY: '3' });
      expect(parsed.globalPriority).toEqual(['3']);
      expect(parsed.globalPrioritySource).toBe('env');
    });

    it('<APP>_ROUTE_PRIORITY replaces a route priority (other characters as _)', () => {
      const parsed = parseConfig(config, { ...env, TASK_ROUTE_PRIORITY: '31', WATCH_PARTY_ROUTE_PRIORITY: '2' });
      expect(parsed.routes.get('task')).toMatchObject({ priority: ['3', '1'], prioritySource: 'env' });
      expect(parsed.routes.get('watch-party')).toMatchObject({ priority: ['2'], prioritySource: 'env' });
      expect(describeOrders(parsed)).toContainEqual({ app: 'task', order: ['3', '1'], priority_source: 'env' });
    });

    it('validates overrides like the file', () => {
      expect(errorsOf(config, { ...env, TASK_ROUTE_PRIORITY: '39' }).join()).toContain(
        'TASK_ROUTE_PRIORITY (env): unknown provider id "9"',
      );
      expect(errorsOf(config, { ...env, ROUTE_PRIORITY: '11' }).join()).toContain('ROUTE_PRIORITY (env): provider id "1" appears twice');
    });
  });

  it('substitutes ${VAR} in every string value, auth values included', () => {
    const parsed = parseConfig(text({ ...base, routes: { task: { priority: '1', auth: { header: 'X-Admin-Key', value: '${KEY}' } } } }), {
      ...env,
      KEY: 's3cret',
    });
    expect(parsed.routes.get('task')!.auth).toEqual({ header: 'X-Admin-Key', value: 's3cret', methods: null });
  });

  describe('SPEC 1: no secret in any message (issue 11 item 6)', () => {
    const secrets = { PASS: 'hunter2-pw', BASE: 'http://admin:hunter2-pw@127.0.0.1:9', MODE: 'name-secret', PRIO: '17' };
    // [what, config text, must name, never shown]
    it.each([
      [
        'a secret typed without quotes: field, line and column, no snippet',
        '{\n  "providers": { "1": "http://a" },\n  "routes": { "t": { "priority": "1",\n    "auth": { "header": "X", "value": s3cret, "methods": ["POST"] } } }\n}',
        /routes\.t\.auth\.value: not valid JSON at line 4, column 39/,
        /s3cret|cret, "m/,
      ],
      ['a truncated text', '{"providers": {"1": "http://hunter2-pw', /providers\.1: not valid JSON at line 1/, /hunter2/],
      [
        'credentials from a variable',
        text({ providers: { '1': 'http://admin:${PASS}@127.0.0.1:9' } }),
        /providers\.1: "http:\/\/<credentials from \$\{PASS\}>@127\.0\.0\.1:9"/,
        /hunter2/,
      ],
      [
        'a whole URL from a variable',
        text({ providers: { '1': '${BASE}' } }),
        /providers\.1: "\$\{BASE\}" must not carry credentials/,
        /hunter2/,
      ],
      [
        'an enum from a variable',
        text({ ...base, backend_source: '${MODE}' }),
        /backend_source: expected one of .* got "\$\{MODE\}"/,
        /name-secret/,
      ],
      ['a priority from a variable', text({ ...base, global_priority: '${PRIO}' }), /global_priority: unknown provider id "7"/, /"17"/],
    ])('%s', (_what, config, names, hidden) => {
      // Act
      const message = errorsOf(config, { ...env, ...secrets }).join('\n');
      // Assess
      expect(message).toMatch(names);
      expect(message).not.toMatch(hidden);
    });

    it('keeps no engine error as cause (its message quotes the text)', () => {
      let caught: unknown;
      try {
        parseConfig('{"a": s3cret}', env);
      } catch (error) {
        caught = error;
      }
      expect((caught as Error).cause).toBeUndefined();
      expect(JSON.stringify(caught) + String(caught)).not.toMatch(/s3cret/);
    });
  });

  it('warns, without rejecting, above the 4096-byte SSM Standard limit', () => {
    const big = text({ ...base, routes: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`app-${i}`, { priority: '123' }])) });
    expect(() => parseConfig(big, env)).not.toThrow();
    expect(configWarnings(big)[0]).toMatch(/over the 4096-byte limit/);
    expect(configWarnings(text(base))).toEqual([]);
  });

  it('gives a content version that changes with the content', () => {
    const a = parseConfig(text(base), env).version;
    expect(parseConfig(text(base), env).version).toBe(a);
    expect(parseConfig(text({ ...base, global_priority: '1' }), env).version).not.toBe(a);
    expect(parseConfig(text(base), env, '7').version).toBe('7');
  });
});

describe('Function: parseConfig on hostile nesting', () => {
  it('a config of 20,000 [ is a ConfigValidationError naming line and column, not a RangeError', () => {
    expect(() => parseConfig(`${'['.repeat(20_000)}x`, {})).toThrow(ConfigValidationError);
  });
});
