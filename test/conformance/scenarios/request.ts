/**
 * SPEC 3.2, 3.3 and the header half of 3.5: the upstream URL (base prefix kept, query kept, origin
 * never escapes) and header hygiene in both directions.
 */
import { expect } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { appConfig, baseConfig, expectEcho, expectUntouched, type Scenario } from '../world.ts';

/** Hop-by-hop request headers a client may send, with values that would be visible if leaked. */
const HOP_BY_HOP_REQUEST = {
  connection: 'keep-alive, X-Hop-Named',
  'x-hop-named': 'must-be-dropped',
  'keep-alive': 'timeout=77',
  'proxy-authorization': 'Basic cHJveHk6cHc=',
  'proxy-connection': 'keep-alive',
  te: 'trailers',
  trailer: 'X-Checksum',
  upgrade: 'h2c',
};

/** End-to-end request headers that must reach the provider unchanged. */
const END_TO_END_REQUEST = {
  authorization: 'Bearer end-to-end-token',
  cookie: 'session=abc; theme=dark',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  tracestate: 'vendor=opaque',
  'x-admin-key': 'admin-key-value',
  'x-custom-thing': 'kept as is',
  accept: 'application/json',
  'accept-language': 'en-GB',
  'user-agent': 'conformance-suite/1',
};

const LOOPBACK = /^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/;

/** Splits an X-Forwarded-For value into trimmed entries. */
function forwardedFor(value: string | string[] | undefined): string[] {
  return String(value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export const requestScenarios: Scenario[] = [
  {
    name: 'the upstream URL keeps the base path prefix (trailing slash dropped) and the raw query',
    spec: '3.2',
    config: (u) =>
      baseConfig(u, {
        providers: { '1': `${u.a.url}/prefix/`, '2': `${u.b.url}/deep/er` },
        routes: { pfx: { priority: '1' }, pfx2: { priority: '2' } },
      }),
    async run(w) {
      const targets = ['/pfx/api/items?q=1&q=2&s=a%20b&empty=&flag', '/pfx/api', '/pfx/api/a%20b/%E2%9C%93?x=%26&y=%2F'];
      for (const target of targets) expectEcho(await w.send(target), w.a);
      expect(w.a.requests.map((r) => r.url)).toEqual(targets.map((t) => `/prefix${t}`));
      expectEcho(await w.send('/pfx2/api/x?z=9'), w.b);
      expect(w.b.requests.map((r) => r.url)).toEqual(['/deep/er/pfx2/api/x?z=9']);
    },
  },
  {
    name: 'path tricks (//host, /\\host, %2F%2F, @, absolute URLs in the path) never reach another origin',
    spec: '3.2',
    config: (u) => baseConfig(u, { global_priority: '1', providers: { '1': `${u.a.url}/base` } }),
    async run(w) {
      const evil = w.evil.host;
      const targets = [
        `//${evil}/task/api/x`,
        `///${evil}/task/api/x`,
        `/\\${evil}/task/api/x`,
        `/\\\\${evil}/task/api/x`,
        `/task/api//${evil}/x`,
        `/task/api/..//${evil}/task/api/x`,
        `/task/api/%2F%2F${evil}/x`,
        `/task/api/%5C%5C${evil}/x`,
        `/task/api/\\\\${evil}/x`,
        `/task/api/@${evil}/x`,
        `/@${evil}/task/api/x`,
        `/task/api@${evil}/x`,
        `/task/api/http://${evil}/x`,
        `/task/api/x?next=//${evil}/&u=http://${evil}/`,
      ];
      for (const target of targets) {
        // The router may answer anything (200 from provider 1, 404, 400): only where it went matters.
        await w.send(target).catch(() => undefined);
      }
      expectUntouched(w.evil);
      for (const request of w.a.requests) {
        expect(request.headers.host, `${request.url} carries provider 1's Host`).toBe(w.a.host);
        expect(request.url.startsWith('/base/'), `${request.url} keeps the base prefix`).toBe(true);
      }
      // The plain ones are routed as paths of provider 1.
      expect(w.a.requests.map((r) => r.url)).toEqual(
        expect.arrayContaining([`/base/task/api//${evil}/x`, `/base/task/api/%2F%2F${evil}/x`, `/base/task/api/@${evil}/x`]),
      );
    },
  },
  {
    name: 'an absolute-form request target never reaches the origin it names',
    spec: '3.2',
    config: (u) => baseConfig(u, { global_priority: '1' }),
    async run(w) {
      for (const target of [
        `http://${w.evil.host}/task/api/x`,
        `https://${w.evil.host}/task/api/y`,
        `http://${w.evil.host}//${w.evil.host}/task/api/z`,
      ]) {
        await w.send(target).catch(() => undefined);
      }
      expectUntouched(w.evil);
      for (const request of w.a.requests) expect(request.headers.host).toBe(w.a.host);
    },
  },
  {
    name: "request headers: hop-by-hop ones (incl. those named by Connection) are removed, Host is the provider's",
    spec: '3.3',
    config: (u) => appConfig(u, 'hdr', '1'),
    async run(w) {
      // Chunked, since a Trailer header only goes with a chunked body (Node refuses it otherwise).
      const answer = await w.send('/hdr/api/hop', {
        method: 'POST',
        body: 'hop-body',
        chunked: true,
        headers: { ...HOP_BY_HOP_REQUEST, ...END_TO_END_REQUEST },
      });
      expectEcho(answer, w.a);
      expect(w.a.requests[0].body.toString()).toBe('hop-body');
      const seen = w.a.requests[0].headers;
      expect(seen.host).toBe(w.a.host);
      for (const name of ['x-hop-named', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'upgrade']) {
        expect(seen[name], `${name} must not reach the provider`).toBeUndefined();
      }
      expect(seen['keep-alive']).not.toBe('timeout=77');
      expect(String(seen.connection ?? '')).not.toMatch(/x-hop-named/i);
    },
  },
  {
    name: 'request headers: end-to-end ones (Authorization, cookies, traceparent, X-Admin-Key...) pass unchanged',
    spec: '3.3',
    config: (u) => appConfig(u, 'hdr-e2e', '1'),
    async run(w) {
      expectEcho(await w.send('/hdr-e2e/api/x', { headers: END_TO_END_REQUEST }), w.a);
      const seen = w.a.requests[0].headers;
      for (const [name, value] of Object.entries(END_TO_END_REQUEST)) expect(seen[name], name).toBe(value);
    },
  },
  {
    name: 'request headers: X-Forwarded-For appended, X-Forwarded-Host/Proto set, X-Request-Id kept, X-No-Fallback 1, X-Route-Hops n+1',
    spec: '3.3',
    config: (u) => appConfig(u, 'fwd', '1'),
    async run(w) {
      expectEcho(
        await w.send('/fwd/api/x', { headers: { 'x-forwarded-for': '203.0.113.7', 'x-request-id': 'req-fixed-123', 'x-route-hops': '2' } }),
        w.a,
      );
      const seen = w.a.requests[0].headers;
      const chain = forwardedFor(seen['x-forwarded-for']);
      expect(chain.length, `X-Forwarded-For ${String(seen['x-forwarded-for'])}`).toBe(2);
      expect(chain[0]).toBe('203.0.113.7');
      expect(chain[1]).toMatch(LOOPBACK);
      expect(seen['x-forwarded-host']).toBe(w.routerHost);
      expect(seen['x-forwarded-proto']).toBe('http');
      expect(seen['x-request-id']).toBe('req-fixed-123');
      expect(seen['x-no-fallback']).toBe('1');
      expect(seen['x-route-hops']).toBe('3');
    },
  },
  {
    name: 'request headers: without client values, X-Forwarded-For is the client, X-Request-Id is generated (unique), X-Route-Hops is 1',
    spec: '3.3',
    config: (u) => appConfig(u, 'fwd-new', '1'),
    async run(w) {
      expectEcho(await w.send('/fwd-new/api/1'), w.a);
      expectEcho(await w.send('/fwd-new/api/2'), w.a);
      const [first, second] = w.a.requests.map((r) => r.headers);
      expect(forwardedFor(first['x-forwarded-for'])).toEqual([expect.stringMatching(LOOPBACK)]);
      expect(first['x-request-id']).toEqual(expect.any(String));
      expect(String(first['x-request-id']).length).toBeGreaterThan(0);
      expect(second['x-request-id']).not.toBe(first['x-request-id']);
      expect(first['x-route-hops']).toBe('1');
      expect(first['x-no-fallback']).toBe('1');
    },
  },
  {
    name: 'response headers: hop-by-hop ones removed, end-to-end ones and every Set-Cookie kept in order',
    spec: '3.5',
    config: (u) => appConfig(u, 'resp-hdr', '1'),
    setup(w) {
      w.a.set({
        status: 200,
        headers: {
          'set-cookie': ['a=1; Path=/', 'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly', 'c=3; SameSite=Lax; Secure'],
          connection: 'X-Resp-Hop',
          'x-resp-hop': 'must-be-dropped',
          'keep-alive': 'timeout=77',
          'proxy-authenticate': 'Basic realm="proxy"',
          upgrade: 'h2c',
          'x-end-to-end': 'kept',
          'cache-control': 'no-store',
          etag: '"v1"',
          vary: 'Accept',
          'content-type': 'application/json',
        },
        body: { upstream: 'a', ok: true },
      });
    },
    async run(w) {
      const answer = await w.send('/resp-hdr/api/x');
      expect(answer.status).toBe(200);
      expect(answer.headers['set-cookie']).toEqual([
        'a=1; Path=/',
        'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly',
        'c=3; SameSite=Lax; Secure',
      ]);
      expect(answer.header('x-resp-hop')).toBeUndefined();
      expect(answer.header('proxy-authenticate')).toBeUndefined();
      expect(answer.header('upgrade')).toBeUndefined();
      expect(answer.header('keep-alive')).not.toBe('timeout=77');
      expect(answer.header('connection') ?? '').not.toMatch(/x-resp-hop/i);
      expect(answer.header('x-end-to-end')).toBe('kept');
      expect(answer.header('etag')).toBe('"v1"');
      expect(answer.header('cache-control')).toBe('no-store');
      expect(answer.header('vary') ?? '').toMatch(/Accept/);
      expect(answer.json()).toEqual({ upstream: 'a', ok: true });
    },
  },
  {
    name: 'a gzip-compressed answer stays decodable with a truthful Content-Encoding/Content-Length',
    spec: '3.5',
    config: (u) => appConfig(u, 'gz', '1'),
    setup(w) {
      w.a.set({
        gzip: true,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: Array.from({ length: 400 }, (_v, i) => `item-${i}`) }),
      });
    },
    async run(w) {
      const original = JSON.stringify({ items: Array.from({ length: 400 }, (_v, i) => `item-${i}`) });
      for (const acceptEncoding of ['gzip, deflate, br', undefined]) {
        const answer = await w.send('/gz/api/list', { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} });
        expect(answer.status).toBe(200);
        const encoding = answer.header('content-encoding');
        const length = answer.header('content-length');
        if (length !== undefined) expect(Number(length), 'Content-Length matches the bytes sent').toBe(answer.body.length);
        const decoded = encoding === 'gzip' ? gunzipSync(answer.body).toString('utf8') : answer.text;
        expect(encoding === undefined || encoding === 'gzip' || encoding === 'identity', `Content-Encoding ${encoding}`).toBe(true);
        expect(decoded).toBe(original);
      }
    },
  },
  {
    name: 'a large binary answer arrives byte for byte',
    spec: '3.5',
    config: (u) => appConfig(u, 'big', '1'),
    setup(w) {
      w.a.set({ headers: { 'content-type': 'application/octet-stream' }, body: bigBody() });
    },
    async run(w) {
      const answer = await w.send('/big/api/blob');
      expect(answer.status).toBe(200);
      expect(answer.body.length).toBe(bigBody().length);
      expect(createHash('sha256').update(answer.body).digest('hex')).toBe(createHash('sha256').update(bigBody()).digest('hex'));
    },
  },
  {
    name: 'request bodies arrive byte for byte: binary, and chunked without Content-Length',
    spec: '3.3, 3.5',
    config: (u) => appConfig(u, 'upload', '1'),
    async run(w) {
      const binary = Buffer.from(Array.from({ length: 4096 }, (_v, i) => i % 256));
      expectEcho(
        await w.send('/upload/api/bin', { method: 'POST', body: binary, headers: { 'content-type': 'application/octet-stream' } }),
        w.a,
      );
      expectEcho(
        await w.send('/upload/api/chunked', {
          method: 'PUT',
          body: binary,
          chunked: true,
          headers: { 'content-type': 'application/octet-stream' },
        }),
        w.a,
      );
      expect(w.a.requests.map((r) => r.method)).toEqual(['POST', 'PUT']);
      for (const request of w.a.requests) {
        expect(request.body.equals(binary), `${request.method} body intact`).toBe(true);
        expect(request.headers['content-type']).toBe('application/octet-stream');
      }
    },
  },
];

let big: Buffer | undefined;

/** A 1.5 MB deterministic binary body (every byte value, not text). */
function bigBody(): Buffer {
  if (big) return big;
  const bytes = Buffer.alloc(1_536_000);
  let state = 7;
  for (let i = 0; i < bytes.length; i += 1) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = state >>> 16;
  }
  big = bytes;
  return bytes;
}
