import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Issue 11 item 8: the BUFFERED Lambda keeps memory bounded on a large answer. The bundle runs in
// a process of its own (fixtures/largeAnswerRss.ts) so that its RSS is the handler's alone.

const TOTAL = 300 * 1024 * 1024;
let server: Server;
let written = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url !== '/task/api/huge') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(TOTAL) });
    const chunk = Buffer.alloc(256 * 1024, 1);
    const pump = (): void => {
      while (written < TOTAL && !res.destroyed) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function runChild(up: string): Promise<Record<string, unknown>> {
  const script = fileURLToPath(new URL('./fixtures/largeAnswerRss.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env: { ...process.env, UP1: up }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', () => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (line) resolve(JSON.parse(line.slice(7)) as Record<string, unknown>);
      else reject(new Error(`no RESULT line:\n${out.slice(-2000)}`));
    });
  });
}

describe('Lambda: a 300 MB answer', () => {
  it('is given up at the 6 MB limit: 502 JSON naming it, RSS within the default 256 MB function memory', async () => {
    // Act
    const result = await runChild(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    // Assess
    const { rss_before_mb: before, rss_peak_mb: peak } = result;
    console.info(`figure: lambda RSS before ${String(before)} MiB, peak on a 300 MB answer ${String(peak)} MiB`);
    expect(result.status).toBe(502);
    expect(JSON.parse(String(result.body))).toMatchObject({ error: expect.stringMatching(/limit \d+ bytes/) });
    expect(Number(result.rss_peak_mb)).toBeLessThanOrEqual(256);
    expect(written).toBeLessThan(TOTAL / 4);
  }, 120_000);
});
