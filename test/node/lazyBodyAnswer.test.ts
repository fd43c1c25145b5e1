import http from 'node:http';
import { listenLocal } from '../support/listenLocal.ts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeResponse } from '../../functions/express/writeResponse.ts';
import { createHttpTransport } from '../../functions/node/httpTransport.ts';
import { SettledAnswer } from '../../functions/lambda/settledAnswer.ts';
import { LazyBodyAnswer } from '../../functions/node/lazyBodyAnswer.ts';
import { NodeAnswer, untouchedNodeBody } from '../../functions/node/nodeAnswer.ts';
import type { UpstreamInit } from '../../shared/index.ts';
import { cleanups } from '../support/cleanups.ts';

const BODY = JSON.stringify({ ok: true, items: [1, 2, 3] });
afterEach(() => vi.restoreAllMocks());

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

/** The Lambda's answer once read whole: the same bytes as the transport's answer. */
async function settled(): Promise<Response> {
  return new SettledAnswer(new TextEncoder().encode(BODY), { status: 200, headers: { 'content-type': 'application/json' } });
}

describe.each([
  ['NodeAnswer', answer],
  ['SettledAnswer', settled],
])('Class: %s (a LazyBodyAnswer): a Response whose web stream is made on demand', (_name, make) => {
  it('is a Response whose web stream is not made yet', async () => {
    const response = await make();
    expect(response).toBeInstanceOf(LazyBodyAnswer);
    expect(response).toBeInstanceOf(Response);
    expect(response.bodyUsed).toBe(false);
  });

  it.each(reads)('reads the whole body through %s, like any Response, and only once', async (_name, read, expected) => {
    const response = await make();
    await expect(read(response)).resolves.toEqual(expected);
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it('makes the web stream once: `.body` is the same stream each time', async () => {
    const response = await make();
    const body = response.body;
    expect(body).toBeInstanceOf(ReadableStream);
    expect(response.body).toBe(body);
    await expect(response.text()).resolves.toBe(BODY);
  });

  it('clones: both copies read the whole body', async () => {
    const response = await make();
    const copy = response.clone();
    expect(await Promise.all([response.text(), copy.text()])).toEqual([BODY, BODY]);
    expect(copy.headers.get('content-type')).toBe('application/json');
  });

  it('refuses to clone a read body, as Fetch does', async () => {
    const response = await make();
    await response.text();
    expect(() => response.clone()).toThrow(TypeError);
  });
});

describe('Class: SettledAnswer', () => {
  it('hands out its bytes until the body is read through the Fetch API, then none', async () => {
    const response = new SettledAnswer(new TextEncoder().encode(BODY), { status: 200 });
    expect(new TextDecoder().decode(response.settledBytes())).toBe(BODY);
    await response.text();
    expect(response.settledBytes()).toBeUndefined();
  });

  it('keeps its bytes when a reader of the web stream detaches what it read', async () => {
    const response = new SettledAnswer(new TextEncoder().encode(BODY), { status: 200 });
    const reader = response.clone().body!.getReader();
    const { value } = await reader.read();
    structuredClone(value!.buffer, { transfer: [value!.buffer] });
    expect(new TextDecoder().decode(response.settledBytes())).toBe(BODY);
  });
});

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

  it('gives up its Node stream once `.body` was made: an adapter must not pipe what the web stream reads', async () => {
    const response = await answer();
    const body = response.body;
    expect(body).toBeInstanceOf(ReadableStream);
    expect(response.body).toBe(body);
    expect(untouchedNodeBody(response)).toBeUndefined();
    await expect(response.text()).resolves.toBe(BODY);
  });

  it('is piped by writeResponse from the Node stream to the client without making a web stream', async () => {
    // Prepare: a proxy that writes the transport's answer through writeResponse, watching `.body`.
    const bodyRead = vi.spyOn(LazyBodyAnswer.prototype, 'body', 'get');
    const proxy = await listen(http.createServer((_req, res) => void answer().then((response) => writeResponse(response, res))));
    // Act
    const received = await fetch(`${proxy}/x`);
    // Assess
    expect(received.status).toBe(200);
    expect(await received.text()).toBe(BODY);
    expect(bodyRead).not.toHaveBeenCalled();
  });
});
