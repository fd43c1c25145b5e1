import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startStandin, StandinError, type Standin } from '../../infra/hosts/standin.ts';
import { freePort } from '../support/ports.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Error code behind a rejected fetch (undici wraps the socket error in `cause`). */
function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code;
}

describe('Function: startStandin', () => {
  let standin: Standin | undefined;
  afterEach(async () => {
    await standin?.close();
    standin = undefined;
  });

  it('answers /<app>/api/... with a JSON description of the request and X-Standin', async () => {
    // Prepare
    standin = await startStandin({ id: '1' });

    // Act
    const res = await fetch(`${standin.url}/task/api/items/7?x=1&y=two`, { method: 'POST', body: 'ignored' });

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('x-standin')).toBe('1');
    expect(await res.json()).toEqual({
      provider: '1',
      app: 'task',
      method: 'POST',
      path: '/task/api/items/7',
      query: { x: '1', y: 'two' },
    });
    const bare = await fetch(`${standin.url}/watch-party/api`);
    expect(await bare.json()).toMatchObject({ app: 'watch-party', path: '/watch-party/api', query: {} });
  });

  it('answers 404 JSON for paths that are not /<app>/api', async () => {
    standin = await startStandin({ id: '2' });
    const res = await fetch(`${standin.url}/task/other`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-standin')).toBe('2');
    expect(await res.json()).toMatchObject({ error: 'not found', provider: '2' });
  });

  it('fails one request on ?fail=NNN and hangs it on ?hang=1', async () => {
    standin = await startStandin({ id: '3' });
    const failed = await fetch(`${standin.url}/task/api/x?fail=503`);
    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ provider: '3' });
    await expect(fetch(`${standin.url}/task/api/x?hang=1`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    // Other requests are unaffected.
    expect((await fetch(`${standin.url}/task/api/x`)).status).toBe(200);
  });

  it('switches mode over POST /_standin/mode and shows it on GET', async () => {
    standin = await startStandin({ id: '4' });
    const set = await fetch(`${standin.url}/_standin/mode`, { method: 'POST', body: JSON.stringify({ mode: '503' }) });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ mode: '503' });
    expect(await (await fetch(`${standin.url}/_standin/mode`)).json()).toEqual({ provider: '4', mode: '503' });
    expect((await fetch(`${standin.url}/task/api/x`)).status).toBe(503);

    await fetch(`${standin.url}/_standin/mode`, { method: 'POST', body: JSON.stringify({ mode: 'hang' }) });
    await expect(fetch(`${standin.url}/task/api/x`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();

    await fetch(`${standin.url}/_standin/mode`, { method: 'POST', body: JSON.stringify({ mode: 'ok' }) });
    expect((await fetch(`${standin.url}/task/api/x`)).status).toBe(200);
  });

  it('answers /_router/health as a router would, following the mode (what flip probes)', async () => {
    standin = await startStandin({ id: '5' });
    expect(await (await fetch(`${standin.url}/_router/health`)).json()).toMatchObject({ status: 'ok', provider: '5' });
    await fetch(`${standin.url}/_standin/mode`, { method: 'POST', body: JSON.stringify({ mode: '503' }) });
    expect((await fetch(`${standin.url}/_router/health`)).status).toBe(503);
    await fetch(`${standin.url}/_standin/mode`, { method: 'POST', body: JSON.stringify({ mode: 'hang' }) });
    await expect(fetch(`${standin.url}/_router/health`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
  });

  it('rejects an unknown mode with 400', async () => {
    standin = await startStandin({ id: '5' });
    const res = await fetch(`${standin.url}/_standin/mode`, { method: 'POST', body: JSON.stringify({ mode: 'sideways' }) });
    expect(res.status).toBe(400);
    expect(standin.mode()).toBe('ok');
    const notJson = await fetch(`${standin.url}/_standin/mode`, { method: 'POST', body: 'mode=ok' });
    expect(notJson.status).toBe(400);
    await expect(standin.setMode('sideways' as never)).rejects.toBeInstanceOf(StandinError);
  });

  it('refuses connections in mode refuse and listens again on the same port in mode ok', async () => {
    standin = await startStandin({ id: '6' });
    const url = `${standin.url}/task/api/x`;
    expect((await fetch(url)).status).toBe(200); // leaves a pooled keep-alive connection

    await standin.setMode('refuse');
    const refused = await fetch(url).catch((error: unknown) => error);
    expect(causeCode(refused)).toBe('ECONNREFUSED');

    await standin.setMode('ok');
    expect((await fetch(url)).status).toBe(200);
  });

  it('comes back by itself after {"mode":"refuse","for_ms":N} sent over HTTP', async () => {
    const one = await startStandin({ id: '7' });
    standin = one;
    const res = await fetch(`${one.url}/_standin/mode`, { method: 'POST', body: JSON.stringify({ mode: 'refuse', for_ms: 300 }) });
    expect(await res.json()).toMatchObject({ mode: 'refuse', for_ms: 300 });
    await expect
      .poll(async () => causeCode(await fetch(`${one.url}/task/api/x`).catch((e: unknown) => e)), { timeout: 2000 })
      .toBe('ECONNREFUSED');
    await expect.poll(async () => (await fetch(`${one.url}/task/api/x`).catch(() => undefined))?.status, { timeout: 3000 }).toBe(200);
    expect(one.mode()).toBe('ok');
  });

  it('rejects an id that is not one provider character', async () => {
    await expect(startStandin({ id: '12' })).rejects.toBeInstanceOf(StandinError);
  });
});

describe('Script: node infra/hosts/standin.ts', () => {
  it('listens on --port, answers as --id, and exits 0 on SIGTERM', async () => {
    // Prepare
    const port = await freePort();
    const child = spawn(process.execPath, ['infra/hosts/standin.ts', '--id', '9', '--port', String(port)], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
    try {
      // Act
      const line = await new Promise<string>((resolveLine, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no listening line; stdout: ${out}`)), 15_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += String(chunk);
          if (out.includes('listening on')) {
            clearTimeout(timer);
            resolveLine(out);
          }
        });
      });

      // Assess
      expect(line).toContain(`http://127.0.0.1:${port}`);
      const res = await fetch(`http://127.0.0.1:${port}/task/api/ping`);
      expect(res.headers.get('x-standin')).toBe('9');
      expect(await res.json()).toMatchObject({ provider: '9', app: 'task', path: '/task/api/ping' });

      // stdin switches the mode too
      child.stdin.write('503\n');
      await expect.poll(async () => (await fetch(`http://127.0.0.1:${port}/task/api/ping`)).status, { timeout: 3000 }).toBe(503);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
