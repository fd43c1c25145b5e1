import { ConfigManager, MemoryCache, createRouter, type AppRegistry, type RequestLogEntry, type UpstreamInit } from '../../shared/index.ts';

/** What a scripted provider does with one attempt. */
export type Behaviour = number | 'timeout' | 'refused' | 'reset' | ((url: string, init: UpstreamInit) => Promise<Response> | Response);

export interface Call {
  provider: string;
  url: string;
  method: string;
  headers: Headers;
  body: string | null;
}

/**
 * A router over an in-process transport whose providers follow a script. The transport honours
 * the abort signal like a real one, so timeouts and aborts are exercised for real.
 */
export function scriptedRouter(
  config: Record<string, unknown>,
  script: Record<string, Behaviour | Behaviour[]>,
  opts: {
    env?: Record<string, string>;
    self?: string;
    local?: (r: Request) => Promise<Response>;
    apps?: AppRegistry;
    wall?: () => number;
  } = {},
) {
  const calls: Call[] = [];
  const logs: RequestLogEntry[] = [];
  const providers = (config.providers ?? {}) as Record<string, string>;
  const counts: Record<string, number> = {};
  const fetch = async (url: string, init: UpstreamInit): Promise<Response> => {
    const id = Object.keys(providers).find((k) => url.startsWith(new URL(providers[k]).origin))!;
    calls.push({
      provider: id,
      url,
      method: init.method,
      headers: init.headers,
      body: init.body ? new TextDecoder().decode(init.body) : null,
    });
    const steps = script[id];
    const n = (counts[id] = (counts[id] ?? 0) + 1);
    const behaviour = Array.isArray(steps) ? steps[Math.min(n - 1, steps.length - 1)] : steps;
    if (typeof behaviour === 'function') return behaviour(url, init);
    if (behaviour === 'refused') throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    if (behaviour === 'reset') throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    if (behaviour === 'timeout' || behaviour === undefined) {
      return new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
    }
    return new Response(JSON.stringify({ provider: id }), { status: behaviour, headers: { 'content-type': 'application/json' } });
  };
  const manager = new ConfigManager({ source: 'file', read: async () => ({ text: JSON.stringify(config) }), env: opts.env ?? {} });
  const router = createRouter({
    config: manager,
    fetch,
    log: (e) => logs.push(e),
    self: opts.self,
    local: opts.local,
    apps: opts.apps,
    wallNow: opts.wall,
    cache: new MemoryCache(100, 1 << 20, opts.wall),
  });
  // Background work (the edge cache's store) is handed to waitUntil, as a Worker's is: a test that
  // asserts nothing was stored awaits it with settled(), so the store had every chance to land.
  const background: Promise<unknown>[] = [];
  const ctx = { waitUntil: (promise: Promise<unknown>) => void background.push(promise) };
  return {
    router,
    calls,
    logs,
    manager,
    get: (path: string, init?: RequestInit) => router.fetch(new Request(`http://router.test${path}`, init), ctx),
    settled: () => Promise.all(background.splice(0)),
  };
}
