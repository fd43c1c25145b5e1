import http from 'node:http';
import { listenLocal } from '../support/listenLocal.ts';
import { describe, expect, it } from 'vitest';
import { readNodeBody } from '../../functions/node/readNodeBody.ts';
import { cleanups } from '../support/cleanups.ts';

/** What the provider sends: whole bodies in chunks, or a declared length it never finishes. */
type Sends = { chunks: string[]; breaksOff?: boolean };

/** The provider's answer as the client sees it: the Node stream readNodeBody reads. */
async function incoming(sends: Sends): Promise<http.IncomingMessage> {
  const server = http.createServer((_req, res) => {
    const total = sends.chunks.join('').length;
    res.writeHead(200, { 'content-length': String(sends.breaksOff ? total + 100 : total) });
    for (const chunk of sends.chunks) res.write(chunk);
    if (sends.breaksOff) setTimeout(() => res.socket?.destroy(), 20);
    else res.end();
  });
  const port = await listenLocal(server, cleanups);
  return new Promise((resolve, reject) => http.get(`http://127.0.0.1:${port}/`, resolve).on('error', reject));
}

const rows: Array<[string, Sends, number, string | undefined]> = [
  ['one chunk', { chunks: ['hello'] }, 100, 'hello'],
  [
    'several chunks, joined in order',
    { chunks: ['a'.repeat(70_000), 'b'.repeat(70_000)] },
    1 << 20,
    `${'a'.repeat(70_000)}${'b'.repeat(70_000)}`,
  ],
  ['an empty body', { chunks: [] }, 100, ''],
  ['exactly the cap', { chunks: ['12345'] }, 5, '12345'],
  ['one byte past the cap: given up', { chunks: ['123456'] }, 5, undefined],
];

describe('Function: readNodeBody', () => {
  it.each(rows)('reads %s', async (_name, sends, cap, expected) => {
    const source = await incoming(sends);
    const bytes = await readNodeBody(source, cap);
    expect(bytes === undefined ? undefined : new TextDecoder().decode(bytes)).toBe(expected);
    if (expected === undefined) expect(source.destroyed).toBe(true);
  });

  it('rejects a body that breaks off before it is whole', async () => {
    const source = await incoming({ chunks: ['partial'], breaksOff: true });
    await expect(readNodeBody(source, 1 << 20)).rejects.toThrow();
  });
});
