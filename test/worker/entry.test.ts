import { env, exports } from 'cloudflare:workers';
import { beforeEach, describe, expect, inject, it } from 'vitest';

// The real entry point (functions/worker/index.ts, wrangler.toml's `main`) with the repository's
// route-config.json baked in and the bindings of wrangler.toml, reached as a service binding.
const worker = (exports as unknown as { default: Fetcher }).default;
const upstream = `http://127.0.0.1:${inject('upstreamPort')}`;

describe('Worker entry point (wrangler.toml main)', () => {
  beforeEach(async () => {
    await env.SETTINGS.delete('route-config');
  });

  it('falls back to the baked repository config when KV is empty, with ${VAR}s from the vars', async () => {
    const response = await worker.fetch('https://edge.example.com/_config/route');
    const body = (await response.json()) as { source: string; providers: Record<string, string>; last_error: string };

    expect(response.status).toBe(200);
    expect(body.source).toBe('baked');
    expect(Object.values(body.providers)).toContain(upstream);
    expect(body.last_error).toMatch(/no config/);
  });

  it('serves the static site from the STATIC assets binding', async () => {
    const response = await worker.fetch('https://edge.example.com/');

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<!doctype html>');
  });

  it('answers the health path', async () => {
    const response = await worker.fetch('https://edge.example.com/_router/health');

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });
});
