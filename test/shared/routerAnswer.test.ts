import { describe, expect, it } from 'vitest';
import { stripHopByHop } from '../../shared/headers.ts';
import { scriptedRouter } from './routerHarness.ts';

const providers = { '1': 'http://p1.test', '2': 'http://p2.test' };
const cfg = { providers, routes: { task: { priority: '12' } }, timeout_ms: 1000 };

/** A provider answer as a transport builds it: mutable headers, hop-by-hop ones included. */
function built(status = 200): Response {
  const headers = new Headers([
    ['content-type', 'text/plain'],
    ['connection', 'keep-alive, x-hop'],
    ['keep-alive', 'timeout=5'],
    ['x-hop', 'named by Connection'],
    ['proxy-authenticate', 'Basic'],
    ['set-cookie', 'a=1'],
    ['set-cookie', 'b=2'],
    ['server-timing', 'db;dur=3'],
  ]);
  return new Response(status === 204 ? null : 'hello', { status, headers });
}

/** The headers a client must never see from a provider (SPEC 3.5). */
const HOP_BY_HOP = ['connection', 'keep-alive', 'x-hop', 'proxy-authenticate'];

function expectClientHeaders(res: Response): void {
  for (const name of HOP_BY_HOP) expect(res.headers.has(name)).toBe(false);
  expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  expect(res.headers.get('x-route-attempts')).toBe('1');
  expect(res.headers.get('server-timing')).toMatch(/^p1;desc="1 200";dur=[\d.]+, db;dur=3$/);
  expect(res.headers.get('x-request-id')).toBeTruthy();
}

describe('createRouter: the provider answer a client gets', () => {
  it('answers with the transport-built Response itself, cleaned in place: no second Response, body untouched', async () => {
    // Prepare
    const upstream = built();
    const { get } = scriptedRouter(cfg, { '1': () => upstream });
    // Act
    const res = await get('/task/api/x');
    // Assess
    expect(res).toBe(upstream);
    expectClientHeaders(res);
    expect(await res.text()).toBe('hello');
  });

  // Each row: an answer that must be copied, and still reads as the provider's with our headers.
  const copied: Array<[string, () => Response, RequestInit | undefined, string]> = [
    [
      'immutable headers (a fetch() answer): copied, never a throw',
      () => {
        const frozen = Response.redirect('http://p1.test/elsewhere', 302);
        expect(() => frozen.headers.set('x', '1')).toThrow(TypeError);
        return frozen;
      },
      undefined,
      '',
    ],
    ['HEAD with a body from the provider: the body is dropped', () => built(), { method: 'HEAD' }, ''],
  ];
  it.each(copied)('builds a new Response for %s', async (_name, make, init, body) => {
    const upstream = make();
    const { get } = scriptedRouter(cfg, { '1': () => upstream });
    const res = await get('/task/api/x', init);
    expect(res).not.toBe(upstream);
    expect(res.status).toBe(upstream.status);
    expect(res.headers.get('x-route-attempts')).toBe('1');
    expect(await res.text()).toBe(body);
  });

  it('copies an in-process app answer (the app may keep or share its Response)', async () => {
    const shared = built();
    const { get } = scriptedRouter({ ...cfg, routes: { task: { priority: '1' } } }, {}, { self: '1', local: async () => shared });
    const res = await get('/task/api/x');
    expect(res).not.toBe(shared);
    expect(shared.headers.get('connection')).toBe('keep-alive, x-hop');
    expectClientHeaders(res);
  });
});

describe('createRouter: the Request of an in-process attempt', () => {
  it("carries the attempt's signal: an app still working when the attempt times out sees it abort", async () => {
    // Prepare: self (1) hangs until its request's signal fires; provider 2 answers.
    let sawAbort = false;
    const hang = (request: Request) =>
      new Promise<Response>((_, reject) => {
        request.signal.addEventListener('abort', () => {
          sawAbort = true;
          reject(request.signal.reason);
        });
      });
    const config = { ...cfg, timeout_ms: 50 };
    const { get } = scriptedRouter(config, { '2': 200 }, { self: '1', local: hang });
    // Act
    const res = await get('/task/api/x');
    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('x-route-attempts')).toBe('2');
    expect(sawAbort).toBe(true);
  });
});

describe('Function: stripHopByHop', () => {
  it('removes hop-by-hop headers in place, the ones Connection names included, and keeps the rest', () => {
    const headers = built().headers;
    expect(stripHopByHop(headers)).toBe(true);
    expect([...headers.keys()]).toEqual(['content-type', 'server-timing', 'set-cookie', 'set-cookie']);
  });

  it('says false and changes nothing for immutable headers', () => {
    const headers = Response.redirect('http://p1.test/', 302).headers;
    expect(stripHopByHop(headers)).toBe(false);
    expect(headers.get('location')).toBe('http://p1.test/');
  });
});
