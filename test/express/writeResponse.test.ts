import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { writeResponse } from '../../functions/express/writeResponse.ts';
import { cleanups } from '../support/cleanups.ts';

/** A body of `total` bytes in 16 KiB chunks, as a web stream (not a piped Node stream). */
function webBody(total: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      sent += 16 * 1024;
      controller.enqueue(new Uint8Array(16 * 1024));
    },
  });
}

describe('Function: writeResponse', () => {
  it('keeps one close listener through many backpressure waits of a slow reader (issue 11 item 10)', async () => {
    // Prepare: a server that writes 20 MiB through writeResponse and samples its close listeners.
    let maxCloseListeners = 0;
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    cleanups.push(() => void process.off('warning', onWarning));
    const server = http.createServer((_req, res) => {
      const sample = setInterval(() => (maxCloseListeners = Math.max(maxCloseListeners, res.listenerCount('close'))), 5);
      void writeResponse(new Response(webBody(20 * 1024 * 1024)), res).finally(() => clearInterval(sample));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    // Act: read slowly (pause between chunks) so the server waits on drain again and again.
    const received = await new Promise<number>((resolve, reject) => {
      http.get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          res.pause();
          setTimeout(() => res.resume(), 1);
        });
        res.on('end', () => resolve(bytes));
        res.on('error', reject);
      });
    });
    // Assess
    expect(received).toBe(20 * 1024 * 1024);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
    expect(maxCloseListeners).toBeLessThanOrEqual(4);
  }, 60_000);
});
