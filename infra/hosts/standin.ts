/**
 * The stand-in provider used by `npm start` and by failover drills: a tiny HTTP server that
 * answers `/<app>/api/...` with a JSON description of the request and can be told to fail
 * (answer 503, hang, or refuse connections) so the router in front of it can be watched falling
 * over.
 *
 * Run as a script: `node infra/hosts/standin.ts --id 1 --port 4001 [--host 127.0.0.1]`; typing
 * `ok`, `503`, `hang` or `refuse` on its stdin switches the mode too.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** What the stand-in does with app requests. `refuse` stops listening until the mode is `ok` again. */
export type StandinMode = 'ok' | '503' | 'hang' | 'refuse';

/** Every accepted {@link StandinMode}. */
export const STANDIN_MODES: readonly StandinMode[] = ['ok', '503', 'hang', 'refuse'];

/** Options of {@link startStandin}. */
export interface StandinOptions {
  /** Provider id this stand-in plays, echoed as `provider` and in `X-Standin`. */
  id: string;
  /** @default 0 (any free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
}

/** A running stand-in provider. */
export interface Standin {
  /** `http://<host>:<port>`, stable across `refuse` (it re-listens on the same port). */
  readonly url: string;
  readonly id: string;
  readonly port: number;
  /** Current mode. */
  mode(): StandinMode;
  /** Switches mode; resolves once the listener matches it (closed for `refuse`, open otherwise). */
  setMode(mode: StandinMode): Promise<void>;
  /** Stops listening and destroys every open connection, hanging ones included. */
  close(): Promise<void>;
}

/** Thrown for an unknown mode or options the stand-in cannot use. */
export class StandinError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StandinError';
  }
}

/** Matches `/<app>/api` and `/<app>/api/...`, the only paths a provider serves. */
const APP_PATH = /^\/([a-z0-9-]+)\/api(?:\/|$)/;

/** Narrows a value to a {@link StandinMode}. */
export function isStandinMode(value: unknown): value is StandinMode {
  return typeof value === 'string' && (STANDIN_MODES as readonly string[]).includes(value);
}

/** Sends a JSON answer carrying `X-Standin`. */
function sendJson(res: ServerResponse, id: string, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': bytes.length,
    'x-standin': id,
    'cache-control': 'no-store',
  });
  res.end(bytes);
}

/** Reads a small request body (admin requests only). */
async function readBody(req: IncomingMessage, limit = 4096): Promise<string> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > limit) throw new StandinError(`body over ${limit} bytes`);
  }
  return text;
}

/**
 * Starts a stand-in provider.
 *
 * @example
 * const one = await startStandin({ id: '1', port: 4001 });
 * await fetch(`${one.url}/task/api/items?x=1`); // 200 {"provider":"1","app":"task",...}
 * await one.setMode('refuse');                   // connections refused from now on
 * await one.setMode('ok');                       // listening again on the same port
 * await one.close();
 */
export async function startStandin(options: StandinOptions): Promise<Standin> {
  const id = options.id;
  const host = options.host ?? '127.0.0.1';
  if (!/^[0-9A-Za-z]$/.test(id)) throw new StandinError(`standin: id must be one character [0-9A-Za-z] (got '${id}')`);
  let mode: StandinMode = 'ok';
  const sockets = new Set<Socket>();
  let revertTimer: NodeJS.Timeout | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://standin.invalid');
    if (url.pathname === '/_standin/mode') {
      if (req.method === 'GET') return sendJson(res, id, 200, { provider: id, mode });
      if (req.method !== 'POST') return sendJson(res, id, 405, { error: 'use GET or POST', provider: id });
      let requested: { mode?: unknown; for_ms?: unknown };
      try {
        requested = JSON.parse(await readBody(req)) as typeof requested;
      } catch {
        return sendJson(res, id, 400, { error: 'body must be JSON {"mode": "ok"|"503"|"hang"|"refuse"}', provider: id });
      }
      if (!isStandinMode(requested?.mode)) {
        return sendJson(res, id, 400, { error: `mode must be one of ${STANDIN_MODES.join(', ')}`, provider: id });
      }
      const next = requested.mode;
      const forMs = typeof requested.for_ms === 'number' && requested.for_ms > 0 ? requested.for_ms : undefined;
      // Answer first: `refuse` closes this very connection.
      sendJson(res, id, 200, { provider: id, mode: next, ...(forMs ? { for_ms: forMs } : {}) });
      res.once('finish', () => {
        void standin.setMode(next).then(() => {
          // A refusing stand-in cannot hear "ok" over HTTP: `for_ms` brings it back by itself.
          if (forMs) revertTimer = setTimeout(() => void standin.setMode('ok'), forMs);
        });
      });
      return;
    }
    // Health as a router reports it (what `flip` probes for a global order), following the mode.
    if (url.pathname === '/_router/health') {
      if (mode === 'hang') return;
      return sendJson(res, id, mode === 'ok' ? 200 : 503, { status: mode === 'ok' ? 'ok' : 'degraded', provider: id, mode });
    }
    const match = APP_PATH.exec(url.pathname);
    if (!match) return sendJson(res, id, 404, { error: 'not found', provider: id, path: url.pathname });
    const fail = url.searchParams.get('fail');
    if (mode === 'hang' || url.searchParams.get('hang') === '1') return; // never answered
    if (mode === '503') return sendJson(res, id, 503, { error: 'standin mode 503', provider: id });
    if (fail && /^[1-5][0-9][0-9]$/.test(fail)) return sendJson(res, id, Number(fail), { error: `standin ?fail=${fail}`, provider: id });
    // Drain any body so keep-alive connections stay usable.
    for await (const _chunk of req) void _chunk;
    sendJson(res, id, 200, {
      provider: id,
      app: match[1],
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
    });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, id, 500, { error: String(error), provider: id });
      else res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  const listen = (port: number): Promise<void> =>
    new Promise((resolveListen, reject) => {
      const onError = (error: Error): void => reject(new StandinError(`standin ${id}: cannot listen on ${host}:${port}`, { cause: error }));
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        resolveListen();
      });
    });
  const stopListening = (): Promise<void> =>
    new Promise((resolveClose) => {
      if (!server.listening) return resolveClose();
      server.close(() => resolveClose());
      // Pooled keep-alive connections would otherwise keep "refuse" from refusing anything.
      for (const socket of sockets) socket.destroy();
    });

  await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  const standin: Standin = {
    url: `http://${urlHost}:${port}`,
    id,
    port,
    mode: () => mode,
    async setMode(next) {
      if (!isStandinMode(next)) throw new StandinError(`standin: unknown mode '${String(next)}' (use ${STANDIN_MODES.join(', ')})`);
      clearTimeout(revertTimer);
      mode = next;
      if (next === 'refuse') await stopListening();
      else if (!server.listening) await listen(port);
    },
    async close() {
      clearTimeout(revertTimer);
      await stopListening();
    },
  };
  return standin;
}

/** `node infra/hosts/standin.ts --id 1 --port 4001`: runs one stand-in until SIGINT/SIGTERM. */
async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      id: { type: 'string', default: '1' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new StandinError(`standin: --port must be 0-65535 (got '${values.port}')`);
  const standin = await startStandin({ id: String(values.id), port, host: String(values.host) });
  console.log(
    `standin ${standin.id} listening on ${standin.url} (modes: ${STANDIN_MODES.join(', ')}; type one + Enter, or POST /_standin/mode)`,
  );
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const requested = line.trim();
    if (!requested) return;
    if (!isStandinMode(requested)) return console.error(`standin ${standin.id}: unknown mode '${requested}'`);
    void standin.setMode(requested).then(() => console.log(`standin ${standin.id}: mode ${requested}`));
  });
  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', () => resolveStop());
    process.once('SIGTERM', () => resolveStop());
  });
  lines.close();
  await standin.close();
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
