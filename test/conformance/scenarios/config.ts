/**
 * SPEC 1 (the config) and the config side of SPEC 2: what `/_config/route` and `/_router/health`
 * report, `${VAR}` and the env overrides, and every validation rule as an operator sees it (the
 * edit is refused, the last good config keeps serving, `last_error` names the field).
 */
import { expect } from 'vitest';
import { ADMIN_KEY, appConfig, baseConfig, expectEcho, expectUntouched, sameBase, type Scenario, type Upstreams } from '../world.ts';

/** `source` each runtime reports under `serve` (SPEC 2 and 7). */
const EXPECTED_SOURCE = { express: 'file', worker: 'kv', lambda: 'ssm' } as const;

/** An invalid edit: the config to write and what its `last_error` must name. */
interface InvalidEdit {
  what: string;
  edit(u: Upstreams): object | string;
  names: RegExp;
}

const INVALID_EDITS: InvalidEdit[] = [
  { what: 'JSON that does not parse', edit: () => '{ "global_priority": "1", "providers": ', names: /.+/ },
  {
    what: 'an unknown provider id in a priority',
    edit: (u) => appConfig(u, 'inv', '17'),
    names: /routes\.inv\.priority[\s\S]*7|7[\s\S]*routes\.inv\.priority/,
  },
  { what: 'a duplicated id in one priority', edit: (u) => appConfig(u, 'inv', '121'), names: /routes\.inv\.priority/ },
  { what: 'an unknown id in global_priority', edit: (u) => baseConfig(u, { global_priority: '8' }), names: /global_priority/ },
  {
    what: 'a provider that is not http(s)',
    edit: (u) => baseConfig(u, { providers: { '1': 'ftp://127.0.0.1/x', '2': u.b.url } }),
    names: /providers/,
  },
  {
    what: 'a relative provider URL',
    edit: (u) => baseConfig(u, { providers: { '1': '/relative/base', '2': u.b.url } }),
    names: /providers/,
  },
  {
    what: 'a provider base with a query',
    edit: (u) => baseConfig(u, { providers: { '1': `${u.a.url}/?x=1`, '2': u.b.url } }),
    names: /providers/,
  },
  {
    what: 'a provider base with credentials',
    edit: (u) => baseConfig(u, { providers: { '1': `http://user:pw@${u.a.host}`, '2': u.b.url } }),
    names: /providers/,
  },
  { what: 'a provider id of two characters', edit: (u) => baseConfig(u, { providers: { '12': u.a.url } }), names: /providers/ },
  {
    what: 'an unresolved ${VAR}',
    edit: (u) => baseConfig(u, { providers: { '1': '${CONF_NOT_SET_ANYWHERE}', '2': u.b.url } }),
    names: /CONF_NOT_SET_ANYWHERE/,
  },
  { what: 'an unknown top-level key (typo)', edit: (u) => baseConfig(u, { timout_ms: 300 }), names: /timout_ms/ },
  { what: 'an unknown route key (typo)', edit: (u) => appConfig(u, 'inv', '1', { cahce: true }), names: /cahce/ },
  { what: 'a wrong type', edit: (u) => baseConfig(u, { timeout_ms: '300' }), names: /timeout_ms/ },
  {
    what: 'a fallback_on entry that is neither a code nor 4xx/5xx',
    edit: (u) => baseConfig(u, { fallback_on: [404, '6xx'] }),
    names: /fallback_on/,
  },
  { what: 'an unknown backend_source', edit: (u) => baseConfig(u, { backend_source: 'name' }), names: /backend_source/ },
  { what: 'a route without a priority', edit: (u) => baseConfig(u, { routes: { inv: { cache: true } } }), names: /routes\.inv/ },
  { what: 'providers missing', edit: () => ({ global_priority: '', routes: {} }), names: /providers/ },
];

/** One scenario per invalid edit: refused, last good kept, field named, cleared by the next good edit. */
const invalidEditScenarios: Scenario[] = INVALID_EDITS.map((invalid, index) => {
  const app = `keep-${index}`;
  return {
    name: `an edit with ${invalid.what} is refused: last good config keeps serving and last_error names it`,
    spec: '1, 7',
    config: (u) => appConfig(u, app, '2'),
    async run(w) {
      const before = await w.router.configStatus();
      const after = await w.router.setConfig(invalid.edit(w));
      expect(after.last_error, 'last_error after an invalid edit').toEqual(expect.any(String));
      expect(String(after.last_error)).toMatch(invalid.names);
      expect(after.version).toBe(before.version);
      expectEcho(await w.send(`/${app}/api/still-served`), w.b);
      expectUntouched(w.a);
    },
  };
});

export const configScenarios: Scenario[] = [
  {
    name: "the SPEC's example config is valid as written; ${VAR} resolved from the process env",
    spec: '1',
    config: () => ({
      global_priority: '21',
      routes: { task: { priority: '213', cache: false }, watchparty: { priority: '1', cache: true, cache_ttl_seconds: 60 } },
      providers: { '1': '${LOCAL_BASE}', '2': 'https://worker.example.com', '3': 'https://abc.lambda-url.eu-west-1.on.aws' },
    }),
    async run(w) {
      const status = await w.router.configStatus();
      expect(status.last_error).toBeNull();
      const providers = status.providers as Record<string, string>;
      expect(sameBase(providers['1'], w.a.url), `provider 1 resolved from LOCAL_BASE, got ${providers['1']}`).toBe(true);
      expect((status.apps as Record<string, unknown>).task).toEqual({ order: ['2', '1', '3'], priority_source: 'config' });
      // watchparty only goes to provider 1 (loopback); nothing here may reach the example hosts.
      expectEcho(await w.send('/watchparty/api/seed-example'), w.a);
    },
  },
  {
    name: '${VAR} inside a provider base resolves, a $schema key is accepted and ignored',
    spec: '1',
    config: (u) => ({
      ...appConfig(u, 'schema-app', '1'),
      $schema: './route-config.schema.json',
      providers: { '1': '${CONF_BASE_A}/pre' },
    }),
    async run(w) {
      expect((await w.router.configStatus()).last_error).toBeNull();
      expectEcho(await w.send('/schema-app/api/x'), w.a);
      expect(w.a.requests.map((r) => r.url)).toEqual(['/pre/schema-app/api/x']);
    },
  },
  {
    name: 'GET /_config/route answers the effective routing with the documented shape',
    spec: '2',
    config: (u) => baseConfig(u, { global_priority: '21', routes: { shape: { priority: '312' }, dark: { priority: '' } } }),
    async run(w) {
      const answer = await w.send('/_config/route');
      expect(answer.status).toBe(200);
      expect(answer.header('content-type') ?? '').toMatch(/application\/json/);
      const body = answer.json();
      expect(body.source).toBe(EXPECTED_SOURCE[w.runtime]);
      expect(body.version).toEqual(expect.any(String));
      expect(String(body.version).length).toBeGreaterThan(0);
      expect(Number.isNaN(Date.parse(String(body.loaded_at))), `loaded_at ${String(body.loaded_at)} is an ISO time`).toBe(false);
      expect(body.last_error).toBeNull();
      expect(body.global_priority).toBe('21');
      const providers = body.providers as Record<string, string>;
      expect(Object.keys(providers).sort()).toEqual(['1', '2', '3', '4']);
      expect(sameBase(providers['1'], w.a.url)).toBe(true);
      expect(sameBase(providers['4'], w.d.url)).toBe(true);
      const apps = body.apps as Record<string, unknown>;
      expect(apps.shape).toEqual({ order: ['3', '1', '2'], priority_source: 'config' });
      expect(apps.dark).toEqual({ order: [], priority_source: 'config' });
      expectUntouched(w.a, w.b, w.c, w.d);
    },
  },
  {
    name: 'GET /_config/route and /_router/health never show an auth value',
    spec: '1, 2',
    config: (u) =>
      baseConfig(u, {
        routes: {
          'auth-env': { priority: '1', auth: { header: 'X-Admin-Key', value: '${CONF_ADMIN_KEY}', methods: ['POST'] } },
          'auth-literal': { priority: '1', auth: { header: 'X-Other-Key', value: 'literal-secret-9d2c', methods: ['POST'] } },
        },
      }),
    async run(w) {
      for (const path of ['/_config/route', '/_router/health']) {
        const answer = await w.send(path);
        expect(answer.status).toBe(200);
        expect(answer.text).not.toContain(ADMIN_KEY);
        expect(answer.text).not.toContain('literal-secret-9d2c');
      }
      const denied = await w.send('/auth-literal/api/x', { method: 'POST', body: '{}' });
      expect(denied.text).not.toContain('literal-secret-9d2c');
    },
  },
  {
    name: 'GET /_router/health answers 200 with every provider closed and zero failures',
    spec: '2, 5',
    // Fresh ids and bases: no breaker state from earlier scenarios can apply to them.
    config: (u) =>
      baseConfig(u, {
        breaker: { failures: 3, cooldown_ms: 30000 },
        providers: { h: `${u.a.url}/health-h`, i: `${u.b.url}/health-i` },
        routes: { hl: { priority: 'hi' } },
      }),
    async run(w) {
      const answer = await w.send('/_router/health');
      expect(answer.status).toBe(200);
      const body = answer.json();
      expect(body.status).toBe('ok');
      const providers = body.providers as Record<string, unknown>;
      expect(Object.keys(providers).sort()).toEqual(['h', 'i']);
      for (const id of ['h', 'i']) expect(providers[id]).toMatchObject({ state: 'closed', consecutive_failures: 0 });
      expectUntouched(w.a, w.b);
    },
  },
  {
    name: 'ROUTE_PRIORITY and <APP>_ROUTE_PRIORITY override the file and show as source env',
    spec: '1',
    env: () => ({ ROUTE_PRIORITY: '2', ENVAPP_ROUTE_PRIORITY: '21', MY_APP_ROUTE_PRIORITY: '3' }),
    config: (u) =>
      baseConfig(u, { global_priority: '1', routes: { envapp: { priority: '1' }, 'my-app': { priority: '1' }, plain: { priority: '1' } } }),
    async run(w) {
      const status = await w.router.configStatus();
      expect(status.last_error).toBeNull();
      expect(status.global_priority).toBe('2');
      const apps = status.apps as Record<string, unknown>;
      expect(apps.envapp).toEqual({ order: ['2', '1'], priority_source: 'env' });
      expect(apps['my-app']).toEqual({ order: ['3'], priority_source: 'env' });
      expect(apps.plain).toEqual({ order: ['1'], priority_source: 'config' });
      expectEcho(await w.send('/unlisted/api/x'), w.b);
      expectEcho(await w.send('/envapp/api/x'), w.b);
      expectEcho(await w.send('/my-app/api/x'), w.c);
      expectEcho(await w.send('/plain/api/x'), w.a);
    },
  },
  ...invalidEditScenarios,
];
