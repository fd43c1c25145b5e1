import http from 'node:http';
import { listenLocal } from '../support/listenLocal.ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeResponse } from '../../functions/express/writeResponse.ts';
import { createHttpTransport } from '../../functions/node/httpTransport.ts';
import { NodeAnswer, untouchedNodeBody } from '../../functions/node/nodeAnswer.ts';
import type { UpstreamInit } from '../../shared/index.ts';

const BODY = JSON.stringify({ ok: true, items: [1, 2, 3] });
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listen(server: http.Server): Promise<string> {
  return `http://127.0.0.1:${await listenLocal(server, cleanups)}`;
}

/** A provider's answer through the real transport: a JSON body over a keep-alive socket. */
async function answer(): Promise<Response> {
  const url = await listen(http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(BODY)));
  const transport = createHttpTransport();
  cleanups.push(() => transport.close());
  const init: UpstreamInit = {
    method: 'GET',
    headers: new Headers(),
    body: null,
    signal: new AbortController().signal,
    redirect: 'manual',
  };
  return transport(`${url}/x`, init);
}

const reads: Array<[string, (r: Response) => Promise<unknown>, unknown]> = [
  ['text()', (r) => r.text(), BODY],
  ['json()', (r) => r.json(), JSON.parse(BODY)],
  ['arrayBuffer()', async (r) => new TextDecoder().decode(await r.arrayBuffer()), BODY],
  ['bytes()', async (r) => new TextDecoder().decode(await r.bytes()), BODY],
  ['blob()', async (r) => (await r.blob()).text(), BODY],
  ['body (the web stream)', (r) => new Response(r.body).text(), BODY],
];

describe('Class: NodeAnswer', () => {
  it('is what the transport answers with: a Response whose body is still the Node stream', async () => {
    const response = await answer();
    expect(response).toBeInstanceOf(NodeAnswer);
    expect(response).toBeInstanceOf(Response);
    expect(response.bodyUsed).toBe(false);
    expect(untouchedNodeBody(response)).toBeInstanceOf(http.IncomingMessage);
    // Taken once: whoever took it owns it, and the web body is then empty.
    expect(untouchedNodeBody(response)).toBeUndefined();
    await expect(response.text()).resolves.toBe('');
  });

  it.each(reads)('reads the whole body through %s, like any Response, and only once', async (_name, read, expected) => {
    const response = await answer();
    await expect(read(response)).resolves.toEqual(expected);
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it('gives up its Node stream once `.body` was made: an adapter must not pipe what the web stream reads', async () => {
    const response = await answer();
    const body = response.body;
    expect(body).toBeInstanceOf(ReadableStream);
    expect(response.body).toBe(body);
    expect(untouchedNodeBody(response)).toBeUndefined();
    await expect(response.text()).resolves.toBe(BODY);
  });

  it('clones: both copies read the whole body', async () => {
    const response = await answer();
    const copy = response.clone();
    expect(await Promise.all([response.text(), copy.text()])).toEqual([BODY, BODY]);
    expect(copy.headers.get('content-type')).toBe('application/json');
  });

  it('refuses to clone a read body, as Fetch does', async () => {
    const response = await answer();
    await response.text();
    expect(() => response.clone()).toThrow(TypeError);
  });

  it('is piped by writeResponse from the Node stream to the client without making a web stream', async () => {
    // Prepare: a proxy that writes the transport's answer through writeResponse, watching `.body`.
    const bodyRead = vi.spyOn(NodeAnswer.prototype, 'body', 'get');
    const proxy = await listen(http.createServer((_req, res) => void answer().then((response) => writeResponse(response, res))));
    // Act
    const received = await fetch(`${proxy}/x`);
    // Assess
    expect(received.status).toBe(200);
    expect(await received.text()).toBe(BODY);
    expect(bodyRead).not.toHaveBeenCalled();
  });
});
