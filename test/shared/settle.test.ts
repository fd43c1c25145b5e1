import { describe, expect, it } from 'vitest';
import { ConfigManager, createRouter, type UpstreamFetch } from '../../shared/index.ts';

/** A body that sends a few bytes, then breaks off: a provider dying mid-body. */
function brokenBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"partial":'));
      controller.error(new Error('socket closed'));
    },
  });
}

const config = { breaker: false, routes: { task: { priority: '12' } }, providers: { '1': 'http://p1.test', '2': 'http://p2.test' } };
const fetch: UpstreamFetch = async (url) =>
  url.startsWith('http://p1.test') ? new Response(brokenBody(), { status: 200 }) : Response.json({ provider: '2' });

async function read(body: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(body).text();
}

describe('Option: settle (a BUFFERED runtime reads the chosen answer whole first)', () => {
  const manager = () => new ConfigManager({ source: 'file', read: async () => ({ text: JSON.stringify(config) }), env: {} });

  it('a body that breaks off is a failed attempt: the next provider answers', async () => {
    const router = createRouter({ config: manager(), fetch, log: () => {}, settle: async (r) => new Response(await read(r.body!), r) });
    const res = await router.fetch(new Request('http://router.test/task/api/x'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ provider: '2' });
    expect(res.headers.get('server-timing')).toMatch(/^p1;desc="1 error";dur=[\d.]+, p2;desc="2 200"/);
  });

  it('without settle the answer streams as it comes (the break reaches the client)', async () => {
    const router = createRouter({ config: manager(), fetch, log: () => {} });
    const res = await router.fetch(new Request('http://router.test/task/api/x'));
    expect(res.headers.get('server-timing')).toMatch(/^p1;desc="1 200"/);
    await expect(res.text()).rejects.toThrow();
  });
});
