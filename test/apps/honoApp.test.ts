/**
 * A Hono app drops into the registry unchanged (`export default app`): served in-process by the
 * real Express runtime when self comes up, with the deployment's env as Hono's `c.env`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExpressRouter, type RunningRouter } from '../../functions/express/index.ts';
import { refusedPort } from '../support/ports.ts';

const notes = new Hono<{ Bindings: { ROUTE_SELF: string; ROUTE_RUNTIME: string } }>().basePath('/notes/api');
notes.get('/', (c) => c.json({ notes: ['first'], provider: c.env.ROUTE_SELF, runtime: c.env.ROUTE_RUNTIME }));
notes.post('/', async (c) => c.json({ saved: await c.req.json() }, 201));

describe('App: a Hono app in the registry', () => {
  let router: RunningRouter;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hadoku-hono-'));
    const configPath = path.join(dir, 'route-config.json');
    const other = `http://127.0.0.1:${await refusedPort()}`;
    writeFileSync(
      configPath,
      JSON.stringify({ routes: { notes: { priority: '21' } }, providers: { '1': 'http://127.0.0.1:1', '2': other } }),
    );
    // No shared-health prober: the refused provider is to be tried first (healthProber.test.ts covers the prober).
    const env = { ROUTE_SELF: '1', ROUTE_HEALTH_INTERVAL_S: 'off' };
    router = await startExpressRouter({ configPath, port: 0, env, apps: { notes }, log: () => {} });
  });
  afterAll(() => router.close());

  it('answers a GET after the refused provider, with c.env from the deployment', async () => {
    const response = await fetch(`${router.url}/notes/api`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ notes: ['first'], provider: '1', runtime: 'express' });
    expect(response.headers.get('server-timing')).toMatch(/p1;desc="2 [a-z_-]+";dur=[\d.]+, p2;desc="1 200"/);
  });

  it('reads the replayed request body', async () => {
    const response = await fetch(`${router.url}/notes/api`, {
      method: 'POST',
      body: '{"text":"hi"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ saved: { text: 'hi' } });
  });
});
