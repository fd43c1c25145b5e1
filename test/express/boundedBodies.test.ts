import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouterProcess, type RouterProcess } from '../support/routerProcess.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';

// Issue 11 item 7: request bodies are bounded in memory across in-flight requests. The router runs
// as a user runs it (`hadoku-route serve --runtime express`); its RSS is read from /proc.

const UPLOADS = 30;
const DECLARED = 9 * 1024 * 1024;

let upstream: Upstream;
let router: RouterProcess;
let pid: number;

/** Resident set size of the router process, in MiB. */
function rssMiB(): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/**
 * Opens `UPLOADS` connections that each declare 9 MiB, send all but the last KiB, and stall.
 * Resolves with the sockets and the statuses answered so far (503 for those over the budget).
 */
async function stalledUploads(port: number): Promise<{ sockets: Socket[]; statuses: number[] }> {
  const sockets: Socket[] = [];
  const statuses: number[] = [];
  const piece = Buffer.alloc(256 * 1024, 120);
  await Promise.all(
    Array.from({ length: UPLOADS }, () => {
      return new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        sockets.push(socket);
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
        socket.on('data', (chunk: Buffer) => {
          const status = /^HTTP\/1\.1 (\d{3})/.exec(chunk.toString('latin1'));
          if (status) statuses.push(Number(status[1]));
        });
        socket.on('connect', async () => {
          socket.write(`POST /up/api/x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: ${DECLARED}\r\n\r\n`);
          for (let sent = 0; sent + piece.length <= DECLARED - 1024 && !socket.destroyed; sent += piece.length) {
            if (!socket.write(piece)) await new Promise((r) => socket.once('drain', r).once('close', r));
          }
          resolve();
        });
      });
    }),
  );
  return { sockets, statuses };
}

beforeAll(async () => {
  upstream = await startUpstream('up');
  router = await startRouterProcess({
    runtime: 'express',
    config: { providers: { '1': upstream.url }, routes: { up: { priority: '1' } }, deadline_ms: 8000, breaker: false },
  });
  pid = Number(execFileSync('pgrep', ['-f', router.configPath]).toString().trim().split('\n')[0]);
}, 60_000);

afterAll(async () => {
  await router?.stop();
  await upstream?.close();
});

describe('Express: request bodies bounded in memory (max_buffered_body_bytes)', () => {
  it('30 stalled 9 MiB uploads keep RSS within 2x idle; those over the budget answer 503 at once', async () => {
    // Prepare: warm up, then read the idle figure.
    for (let i = 0; i < 20; i++) await fetch(`${router.baseUrl}/up/api/warm`, { method: 'POST', body: 'x'.repeat(10_000) });
    const idle = rssMiB();
    // Act
    const { sockets, statuses } = await stalledUploads(router.port);
    await new Promise((r) => setTimeout(r, 1000));
    const held = rssMiB();
    for (const socket of sockets) socket.destroy();
    // Assess
    console.info(`figure: express RSS idle ${idle.toFixed(1)} MiB, holding ${UPLOADS} stalled 9 MiB uploads ${held.toFixed(1)} MiB`);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(UPLOADS / 2);
    expect(held).toBeLessThanOrEqual(2 * idle);
    expectNoProviderSawThem();
  }, 60_000);
});

function expectNoProviderSawThem(): void {
  expect(upstream.requests.filter((r) => r.url === '/up/api/x')).toEqual([]);
}
