import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createResult } from '../../functions/lambda/createResult.ts';
import { settleBufferedAnswer } from '../../functions/lambda/settleBufferedAnswer.ts';
import { createHttpTransport } from '../../functions/node/httpTransport.ts';
import { SettledAnswer } from '../../functions/lambda/settledAnswer.ts';
import { LazyBodyAnswer } from '../../functions/node/lazyBodyAnswer.ts';
import { cleanups } from '../support/cleanups.ts';

const BODY = JSON.stringify({ ok: true, items: [1, 2, 3] });
afterEach(() => vi.restoreAllMocks());

/** A provider's answer through the Lambda's real transport. */
async function providerAnswer(): Promise<Response> {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(BODY));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const transport = createHttpTransport();
  cleanups.push(() => {
    transport.close();
    server.closeAllConnections();
    server.close();
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  return transport(url, { method: 'GET', headers: new Headers(), body: null, signal: new AbortController().signal, redirect: 'manual' });
}

describe('Function: settleBufferedAnswer on the Node transport', () => {
  it('reads the Node body whole without making a web stream of it', async () => {
    const bodyMade = vi.spyOn(LazyBodyAnswer.prototype, 'body', 'get');
    const settled = await settleBufferedAnswer(await providerAnswer());
    expect(bodyMade).not.toHaveBeenCalled();
    bodyMade.mockRestore();
    expect(settled.status).toBe(200);
    expect(await settled.text()).toBe(BODY);
  });

  it('hands createResult the bytes it read: the result is built without making a web stream of them', async () => {
    const settled = await settleBufferedAnswer(await providerAnswer());
    const bodyMade = vi.spyOn(LazyBodyAnswer.prototype, 'body', 'get');
    const result = await createResult(settled, 'GET');
    expect(settled).toBeInstanceOf(SettledAnswer);
    expect(bodyMade).not.toHaveBeenCalled();
    expect(settled.bodyUsed).toBe(false);
    expect(result).toMatchObject({ statusCode: 200, body: BODY, isBase64Encoded: false });
  });
});
