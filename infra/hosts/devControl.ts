import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeDevState } from './devState.ts';
import type { LocalStack } from './localStack.ts';

/** A running control endpoint. */
export interface DevControl {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Stops listening and removes the state file. */
  close(): Promise<void>;
}

/** Options of {@link startDevControl}. */
export interface DevControlOptions {
  stacks: readonly LocalStack[];
  /** Folder of the state file. @default devStateDir() */
  stateDir?: string;
  /** Told after each drain switch, done or failed (`dev` takes Ctrl-C back from a restarted Miniflare). */
  onChange?: () => void;
}

const MAX_BODY = 1024;

/**
 * The loopback control endpoint of `hadoku-route dev`, through which `hadoku-route drill
 * --disable N` drains a local stack. The routers live inside the `dev` process (workerd is its
 * child), so only `dev` can restart one with `ROUTE_DRAIN=true` on the same port; the drill finds
 * this endpoint through the state file ({@link writeDevState}).
 *
 * `GET /stacks` lists the stacks; `POST /stacks/<id>/drain` with `{"drain": true|false}` restarts
 * that stack's router drained (or not) and answers once it serves again. Every request needs
 * `Authorization: Bearer <token>` (the token is only in the owner-readable state file) and a
 * `Host` of exactly this address, so a web page cannot drive it (no CORS preflight is answered,
 * and DNS rebinding fails the Host check).
 *
 * @example
 * const control = await startDevControl({ stacks: topology.stacks });
 * // later: await control.close();
 */
export async function startDevControl(options: DevControlOptions): Promise<DevControl> {
  const token = randomBytes(24).toString('hex');
  let address = '';
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { error: (error as Error).message ?? String(error) }));
  });
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.headers.host !== address || !authorised(req.headers.authorization, token)) return send(res, 403, { error: 'forbidden' });
    const url = new URL(req.url ?? '/', `http://${address}`);
    if (url.pathname === '/stacks' && req.method === 'GET') return send(res, 200, { stacks: options.stacks.map(describe) });
    const match = /^\/stacks\/([0-9A-Za-z])\/drain$/.exec(url.pathname);
    if (!match || req.method !== 'POST') return send(res, 404, { error: 'use GET /stacks or POST /stacks/<id>/drain' });
    const stack = options.stacks.find((s) => s.spec.id === match[1]);
    const running = options.stacks.map((s) => s.spec.id).join(', ') || 'none';
    if (!stack) return send(res, 404, { error: `no running stack ${match[1]} (running: ${running})` });
    const body = await readJson(req);
    if (typeof body?.drain !== 'boolean') return send(res, 400, { error: 'body must be JSON {"drain": true|false}' });
    const started = performance.now();
    try {
      await stack.setDrain(body.drain);
    } finally {
      options.onChange?.();
    }
    send(res, 200, { ...describe(stack), took_ms: Math.round(performance.now() - started) });
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `http://${address}`;
  const removeState = writeDevState(
    { pid: process.pid, control: url, token, stacks: options.stacks.map((s) => ({ id: s.spec.id, runtime: s.spec.runtime, url: s.url })) },
    options.stateDir,
  );
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        removeState();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function describe(stack: LocalStack): Record<string, unknown> {
  return { id: stack.spec.id, runtime: stack.spec.runtime, url: stack.url, drain: stack.draining() };
}

function authorised(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (\S+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readJson(req: IncomingMessage): Promise<{ drain?: unknown } | null> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > MAX_BODY) return null;
  }
  try {
    return JSON.parse(text) as { drain?: unknown };
  } catch {
    return null;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.destroy();
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length, 'cache-control': 'no-store' });
  res.end(bytes);
}
