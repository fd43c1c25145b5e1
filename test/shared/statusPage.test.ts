import { describe, expect, it } from 'vitest';
import {
  ProviderTallies,
  RecentRequests,
  MAX_RECENT_PATH,
  escapeHtml,
  parseConfig,
  statusAccess,
  statusPage,
  type AttemptRecord,
  type RequestLogEntry,
  type StatusSnapshot,
} from '../../shared/index.ts';
import { scriptedRouter } from './routerHarness.ts';

const entry = (over: Partial<RequestLogEntry> = {}): RequestLogEntry => ({
  level: 'info',
  msg: 'routed',
  time: '2026-11-30T22:00:00.000Z',
  request_id: 'client-chosen-id',
  app: 'task',
  method: 'GET',
  path: '/task/api/hello',
  attempts: [{ provider: '1', outcome: 'status', status: 200, ms: 3 }],
  provider: '1',
  status: 200,
  ms: 3.2,
  config_version: 'v1',
  ...over,
});

const tally = (answers: number, fallbacks: number, timeouts: number, errors: number) => ({ answers, fallbacks, timeouts, errors });
const at = (provider: string, outcome: AttemptRecord['outcome'], status?: number, ms = 1): AttemptRecord =>
  status === undefined ? { provider, outcome, ms } : { provider, outcome, status, ms };

const recentOf = (...entries: RequestLogEntry[]) => {
  const recent = new RecentRequests();
  for (const e of entries) recent.add(e);
  return recent.list();
};

const snapshot = (over: Partial<StatusSnapshot> = {}): StatusSnapshot => ({
  runtime: 'express',
  self: '1',
  generated_at: '2026-11-30T22:00:01.000Z',
  drain: false,
  config: { source: 'file', version: 'v1', loaded_at: '2026-11-30T21:00:00.000Z', last_error: null },
  shared: { ignored: 'no health document read yet' },
  apps: [{ app: 'task', order: ['2', '1'], priority_source: 'config', tried_now: ['1'] }],
  providers: [
    {
      id: '1',
      base: 'http://127.0.0.1:8787',
      self: 'in-process',
      state: 'closed',
      consecutive_failures: 0,
      ...tally(4, 0, 0, 0),
      shared: null,
    },
    { id: '2', base: 'http://127.0.0.1:8788', self: null, state: 'open', consecutive_failures: 3, ...tally(0, 3, 2, 1), shared: null },
  ],
  recent: [],
  ...over,
});

describe('Function: escapeHtml', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['a & b', 'a &amp; b'],
    [`" onmouseover='x'`, '&quot; onmouseover=&#39;x&#39;'],
    ['plain /task/api', 'plain /task/api'],
    [42, '42'],
  ])('escapes %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

describe('Function: statusPage', () => {
  it('is one self-contained document: refresh without JavaScript, no script, no external asset', () => {
    const html = statusPage(snapshot());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<meta http-equiv="refresh" content="2">');
    expect(html).not.toMatch(/<script|src=|href="(?!data:)/i);
  });

  it('shows each app order with where it came from, open providers struck through', () => {
    const html = statusPage(snapshot());
    expect(html).toContain('<td>task</td><td><s title="breaker open">2</s> 1</td><td>config</td><td>1</td>');
  });

  it('shows breaker state, counters and a labelled shared-health column', () => {
    const html = statusPage(snapshot());
    expect(html).toContain('<span class="open" data-state="open">open</span></td><td>3</td><td>0</td><td>3</td><td>2</td><td>1</td>');
    expect(html).toContain('<th>shared health</th>');
    expect(html).toContain('(self, in-process)');
  });

  // Shared health (issue 15): what the other instances' prober found, beside this instance's breaker.
  const probed = (over: Partial<StatusSnapshot> = {}) => {
    const [one, two] = snapshot().providers;
    return snapshot({
      shared: {
        checked_at: '2026-11-30T21:59:30.000Z',
        by: 'worker-cron',
        providers: { '1': { up: true }, '2': { up: false, reason: 'timeout' } },
      },
      providers: [
        { ...one!, shared: { up: true } },
        { ...two!, shared: { up: false, reason: 'timeout' } },
        { ...two!, id: '3', shared: null },
      ],
      ...over,
    });
  };
  it.each<[string, StatusSnapshot, string[]]>([
    [
      'a usable document: up, down (reason), and a provider it does not name',
      probed(),
      [
        'Shared health from worker-cron, checked 2026-11-30T21:59:30.000Z',
        '<span class="closed" data-shared="up">up</span>',
        '<span class="open" data-shared="down">down (timeout)</span>',
        '<span class="muted" data-shared="none">not probed</span>',
      ],
    ],
    [
      'a provider down without a reason',
      probed({ providers: [{ ...snapshot().providers[0]!, shared: { up: false } }] }),
      ['<span class="open" data-shared="down">down</span>'],
    ],
    [
      'an ignored document: every cell says so, with why',
      snapshot({ shared: { ignored: 'health document stale: checked 200 s ago (limit 180 s)' } }),
      [
        'Shared health document ignored: health document stale: checked 200 s ago (limit 180 s)',
        '<span class="muted" data-shared="ignored" title="health document stale: checked 200 s ago (limit 180 s)">ignored</span>',
      ],
    ],
  ])('shared health column: %s', (_what, s, shown) => {
    const html = statusPage(s);
    for (const text of shown) expect(html).toContain(text);
    expect(html).not.toContain('not shared yet');
  });

  it('shows config version, last reload and last_error', () => {
    const config = { source: 'kv' as const, version: 'abc', loaded_at: '2026-11-30T21:00:00.000Z', last_error: 'rejected kv config: x' };
    const html = statusPage(snapshot({ config }));
    expect(html).toContain('Config from <b>kv</b>, version <code>abc</code>, last reload 2026-11-30T21:00:00.000Z');
    expect(html).toContain('<span class="bad" id="last-error">rejected kv config: x</span>');
  });

  it('lists recent requests with their attempts', () => {
    const recent = new RecentRequests();
    recent.add(entry({ attempts: [at('2', 'timeout', undefined, 2500), { ...at('1', 'status', 200, 3), local: true }], ms: 2503.4 }));
    const html = statusPage(snapshot({ recent: recent.list() }));
    expect(html).toContain('<h2>Last 1 routed requests</h2>');
    expect(html).toContain('<td>22:00:00.000</td><td>GET</td><td><code>/task/api/hello</code></td>');
    expect(html).toContain('2 timeout 2500 ms, 1 (in-process) 200 3 ms</td><td>2503.4</td>');
  });

  // Hostile inputs: every value that reaches the page from a config, a store or a client.
  it.each([
    ['last_error', snapshot({ config: { source: 'file', version: 'v', loaded_at: null, last_error: '<img src=x onerror=alert(1)>' } })],
    ['provider base', snapshot({ providers: [{ ...snapshot().providers[0]!, base: 'http://h/"><script>alert(1)</script>' }] })],
    ['config version', snapshot({ config: { source: 'file', version: '<script>', loaded_at: null, last_error: null } })],
    ['app name', snapshot({ apps: [{ app: '<script>', order: [], priority_source: 'config', tried_now: [] }] })],
    ['runtime', snapshot({ runtime: '</title><script>alert(1)</script>' })],
    ['shared problem', snapshot({ shared: { ignored: 'health document invalid: providers.<script>.up must be a boolean' } })],
    [
      'shared prober and reason',
      snapshot({
        shared: { checked_at: '<script>', by: '<script>', providers: {} },
        providers: [{ ...snapshot().providers[0]!, shared: { up: false, reason: '<script>' } }],
      }),
    ],
    ['request path and method', snapshot({ recent: recentOf(entry({ method: '<x-evil>', path: '/task/api/\'"><script>' })) })],
  ])('escapes a hostile %s', (_what, s) => {
    const html = statusPage(s);
    expect(html).not.toMatch(/<script|<img|<x-evil/i);
    expect(html).toContain('&lt;');
  });

  it.each<[string, StatusSnapshot, RegExp, RegExp]>([
    ['a drained deployment says so', snapshot({ drain: true }), /Drained \(ROUTE_DRAIN\)/, /Drained/],
    [
      'a config without a version or a reload says none / never',
      snapshot({ config: { source: 'baked', version: null, loaded_at: null, last_error: null } }),
      /version <code>none<\/code>, last reload never/,
      /version <code>none<\/code>/,
    ],
    [
      'a 5xx answer is marked bad and a cache verdict is shown',
      snapshot({ recent: recentOf(entry({ status: 503, cache: 'STALE' })) }),
      /<span class="bad">503<\/span> STALE/,
      /<span class="bad">503/,
    ],
  ])('%s', (_what, s, shown, absentByDefault) => {
    expect(statusPage(s)).toMatch(shown);
    expect(statusPage(snapshot({ recent: recentOf(entry()) }))).not.toMatch(absentByDefault);
  });

  it('stays under 20 KB with a full ring of long paths and three attempts each', () => {
    const recent = new RecentRequests();
    const attempts = [
      { provider: '1', outcome: 'timeout' as const, ms: 2500.1 },
      { provider: '2', outcome: 'status' as const, status: 503, ms: 12.3 },
      { provider: '3', outcome: 'status' as const, status: 200, ms: 45.6 },
    ];
    const path = (i: number) => `/watchparty/api/rooms/${'r'.repeat(60)}/${i}`;
    for (let i = 0; i < 100; i++) recent.add(entry({ path: path(i), attempts, provider: '3', ms: 2558 }));
    const html = statusPage(snapshot({ recent: recent.list() }));
    console.log(`status page: ${new TextEncoder().encode(html).byteLength} bytes with ${recent.list().length} requests`);
    expect(new TextEncoder().encode(html).byteLength).toBeLessThan(20 * 1024);
  });
});

describe('Class: RecentRequests', () => {
  it('keeps the last N, newest first', () => {
    const recent = new RecentRequests(3);
    for (let i = 1; i <= 5; i++) recent.add(entry({ path: `/task/api/${i}` }));
    expect(recent.list().map((r) => r.path)).toEqual(['/task/api/5', '/task/api/4', '/task/api/3']);
  });

  it('keeps no request id, query, body or header value', () => {
    const recent = new RecentRequests();
    recent.add(entry());
    expect(Object.keys(recent.list()[0]!).sort()).toEqual(['app', 'attempts', 'method', 'ms', 'path', 'provider', 'status', 'time']);
    expect(JSON.stringify(recent.list())).not.toContain('client-chosen-id');
  });

  it.each([
    ['a 64 KB path', { path: `/task/api/${'x'.repeat(65_536)}` }, (r: { path: string }) => r.path.length === MAX_RECENT_PATH],
    ['a 1 KB method', { method: 'X'.repeat(1024) }, (r: { method: string }) => r.method.length <= 12],
  ])('bounds %s', (_what, over, check) => {
    const recent = new RecentRequests();
    recent.add(entry(over));
    expect(check(recent.list()[0]!)).toBe(true);
  });

  it('refuses a capacity that is not a positive integer, naming it', () => {
    expect(() => new RecentRequests(0)).toThrow(/capacity/);
  });
});

describe('Class: ProviderTallies', () => {
  it.each([
    ['first provider answers', entry(), { '1': tally(1, 0, 0, 0) }],
    [
      'timeout then answer',
      entry({ provider: '1', attempts: [at('2', 'timeout', undefined, 2500), at('1', 'status', 200, 3)] }),
      { '2': tally(0, 1, 1, 0), '1': tally(1, 0, 0, 0) },
    ],
    [
      'all failed, the earlier 404 goes back',
      entry({ provider: '1', status: 404, attempts: [at('1', 'status', 404), at('2', 'error')] }),
      { '1': tally(1, 0, 0, 0), '2': tally(0, 1, 0, 1) },
    ],
    ['router-made 502', entry({ provider: null, status: 502, attempts: [at('1', 'error')] }), { '1': tally(0, 1, 0, 1) }],
    ['client went away', entry({ provider: null, status: 499, attempts: [at('1', 'aborted')] }), { '1': tally(0, 0, 0, 0) }],
  ])('%s', (_what, e, expected) => {
    const tallies = new ProviderTallies();
    tallies.add(e);
    expect(tallies.snapshot()).toEqual(expected);
  });
});

const ENV = { TASK_KEY: 'task-secret', STATUS_KEY: 'status-secret' };

describe('Function: statusAccess', () => {
  const config = (extra: Record<string, unknown>) =>
    parseConfig(JSON.stringify({ providers: { '1': 'http://127.0.0.1:1' }, ...extra }), ENV);
  const taskAuth = { routes: { task: { priority: '1', auth: { header: 'X-Admin-Key', value: '${TASK_KEY}' } } } };
  const statusAuth = { status_auth: { header: 'X-Status-Key', value: '${STATUS_KEY}' } };
  const both = { ...taskAuth, ...statusAuth };

  it.each([
    ['no key anywhere: open', {}, {}, { ok: true }],
    ['route auth, no header', taskAuth, {}, { ok: false, header: 'X-Admin-Key' }],
    ['route auth, wrong key', taskAuth, { 'x-admin-key': 'task-secreT' }, { ok: false, header: 'X-Admin-Key' }],
    ['route auth, empty key', taskAuth, { 'x-admin-key': '' }, { ok: false, header: 'X-Admin-Key' }],
    ['route auth, right key', taskAuth, { 'x-admin-key': 'task-secret' }, { ok: true }],
    ['status_auth, right key', both, { 'x-status-key': 'status-secret' }, { ok: true }],
    ['status_auth set: a route key no longer opens it', both, { 'x-admin-key': 'task-secret' }, { ok: false, header: 'X-Status-Key' }],
    ['status_auth, key in the wrong header', statusAuth, { 'x-admin-key': 'status-secret' }, { ok: false, header: 'X-Status-Key' }],
    [
      'route auth on one route only: its key opens it, the route without auth adds none',
      { routes: { ...taskAuth.routes, open: { priority: '1' } } },
      { 'x-admin-key': 'task-secret' },
      { ok: true },
    ],
  ])('%s', (_what, extra, headers, expected) => {
    expect(statusAccess(new Headers(headers as Record<string, string>), config(extra))).toEqual(expected);
  });

  it('rejects a status_auth without a value, naming the field', () => {
    expect(() => config({ status_auth: { header: 'X-Status-Key' } })).toThrow(/status_auth\.value: required/);
  });
});

describe('Router: GET /_router/status', () => {
  const providers = { '1': 'http://p1.test', '2': 'http://p2.test' };

  it('shows a provider going from closed to open after failures', async () => {
    const { get } = scriptedRouter({ global_priority: '21', providers }, { '2': 503, '1': 200 });
    const before = await (await get('/_router/status')).text();
    expect(before).toContain('id="provider-2">2</span></td><td><code>http://p2.test</code></td><td><span class="closed"');
    for (let i = 0; i < 3; i++) expect((await get('/task/api/x')).status).toBe(200);
    const after = await get('/_router/status');
    expect(after.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(after.headers.get('cache-control')).toBe('no-store');
    const html = await after.text();
    expect(html).toContain('id="provider-2">2</span></td><td><code>http://p2.test</code></td><td><span class="open" data-state="open">');
    expect(html).toContain('<h2>Last 3 routed requests</h2>');
    expect(html).toContain('2 503');
  });

  it('serves the same snapshot as JSON with ?format=json', async () => {
    const { get } = scriptedRouter({ global_priority: '1', providers }, { '1': 200 });
    await get('/task/api/x');
    const body = await (await get('/_router/status?format=json')).json();
    expect(body.providers[0]).toMatchObject({ id: '1', state: 'closed', answers: 1 });
    expect(body.recent[0]).toMatchObject({ app: 'task', path: '/task/api/x', status: 200, provider: '1' });
    expect(body.apps).toContainEqual({ app: '*', order: ['1'], priority_source: 'config', tried_now: ['1'] });
  });

  it.each([
    ['missing key', {}],
    ['wrong key', { 'x-admin-key': 'nope' }],
    ['key in another header', { authorization: 'k3y-value' }],
  ])('answers 401 and no data to a %s', async (_what, headers) => {
    const auth = { header: 'X-Admin-Key', value: 'k3y-value' };
    const config = { global_priority: '1', providers, routes: { task: { priority: '1', auth } } };
    const { get } = scriptedRouter(config, { '1': 200 });
    await get('/task/api/x');
    for (const path of ['/_router/status', '/_router/status?format=json']) {
      const res = await get(path, { headers });
      expect(res.status).toBe(401);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: 'unauthorized', header: 'X-Admin-Key' });
      expect(text).not.toMatch(/task\/api|p1\.test|k3y/);
    }
    expect((await get('/_router/status', { headers: { 'x-admin-key': 'k3y-value' } })).status).toBe(200);
  });

  it('asks a browser for Basic credentials when the key header is Authorization', async () => {
    const config = { global_priority: '1', providers, status_auth: { header: 'Authorization', value: 'Basic b3BzOnB3' } };
    const { get } = scriptedRouter(config, { '1': 200 });
    const res = await get('/_router/status');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="hadoku-route status"');
    expect((await get('/_router/status', { headers: { authorization: 'Basic b3BzOnB3' } })).status).toBe(200);
  });

  it('answers 405 to a method other than GET and HEAD', async () => {
    const { get } = scriptedRouter({ global_priority: '1', providers }, { '1': 200 });
    expect((await get('/_router/status', { method: 'POST', body: 'x' })).status).toBe(405);
  });
});
