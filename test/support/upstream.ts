/**
 * A programmable HTTP provider for tests: a real `node:http` server on 127.0.0.1 (port 0) that
 * records every request it receives and answers each one as the current behaviour says, from a
 * plain reply to the failures a router must survive (slow or missing headers, a socket closed
 * mid-body, a connection destroyed without an answer, bytes that are not HTTP).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

/** One request as the upstream received it. */
export interface RecordedRequest {
  /** Method as sent. */
  method: string;
  /** Request target exactly as sent (path + query, or an absolute URL). */
  url: string;
  /** Headers, lower-cased; repeated ones joined as Node joins them (`set-cookie` as an array). */
  headers: IncomingHttpHeaders;
  /** Headers as sent, name/value pairs flattened, original case and repeats kept. */
  rawHeaders: string[];
  /** The whole request body. */
  body: Buffer;
  /** `true` once the client closed the connection before this request was fully answered. */
  aborted: boolean;
  /** When the request (with its body) was complete, `Date.now()`. */
  at: number;
}

/** How to answer one request. Every field is optional; the default is a 200 JSON echo. */
export interface Reply {
  /** @default 200 */
  status?: number;
  /** Response headers; an array value sends the header once per element (several `Set-Cookie`). */
  headers?: Record<string, string | number | string[]>;
  /** A string or bytes as they are; any other value is sent as JSON. @default an echo of the request */
  body?: string | Uint8Array | object;
  /** Wait this long before sending the response headers. */
  delayMs?: number;
  /** Never answer: keep the connection open until the client gives up or the server closes. */
  hang?: boolean;
  /** Gzip the body and say so (`Content-Encoding: gzip`, compressed `Content-Length`). */
  gzip?: boolean;
  /**
   * Send the body as these pieces, `streamIntervalMs` apart, after the headers (chunked: no
   * Content-Length). A slow body, as opposed to slow headers.
   */
  streamChunks?: Array<string | Uint8Array>;
  /** @default 300 */
  streamIntervalMs?: number;
  /** Send the headers (announcing the full length) and part of the body, then destroy the socket. */
  closeMidBody?: boolean;
  /** Destroy the connection without sending a byte. */
  destroy?: boolean;
  /** Write bytes that are not an HTTP response, then close. */
  garbage?: boolean;
}

/** Chooses the reply for a request; may be async. */
export type Behaviour = (request: RecordedRequest) => Reply | Promise<Reply>;

/** A running programmable upstream. */
export interface Upstream {
  /** Name used in the default echo body (`{"upstream": name, ...}`). */
  readonly name: string;
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  /** Alias of {@link Upstream.url}: the origin every request to this upstream must carry. */
  readonly origin: string;
  /** `127.0.0.1:<port>`, the `Host` a request to this upstream carries. */
  readonly host: string;
  readonly port: number;
  /** Every request received since the last {@link Upstream.reset}, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Sets how requests are answered from now on: a fixed reply or a function of the request. */
  set(behaviour: Behaviour | Reply): void;
  /** Forgets recorded requests, drops in-flight hanging answers, restores the default echo. */
  reset(): void;
  /** Resolves once at least `count` requests were recorded; rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Resolves once request number `index` was aborted by its client; rejects after `timeoutMs`. */
  waitForAbort(index: number, timeoutMs?: number): Promise<void>;
  /** Stops listening and destroys every open socket (hanging ones included). */
  close(): Promise<void>;
}

/** The default answer: 200 with a JSON echo naming this upstream. */
function echo(name: string, request: RecordedRequest): Reply {
  return { status: 200, body: { upstream: name, method: request.method, url: request.url } };
}

/** Encodes a reply body and the content type that goes with it. */
function encodeBody(body: Reply['body']): { bytes: Buffer; type?: string } {
  if (body === undefined) return { bytes: Buffer.alloc(0) };
  if (typeof body === 'string') return { bytes: Buffer.from(body), type: 'text/plain; charset=utf-8' };
  if (body instanceof Uint8Array) return { bytes: Buffer.from(body), type: 'application/octet-stream' };
  return { bytes: Buffer.from(JSON.stringify(body)), type: 'application/json' };
}

/** Polls `check` every 10 ms until it returns true; bounded by `timeoutMs`. */
async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`upstream: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Starts a programmable upstream on 127.0.0.1, port 0.
 *
 * @example
 * const a = await startUpstream('a');
 * a.set({ status: 503 });                       // every request answers 503
 * a.set((req) => req.method === 'POST' ? { hang: true } : { body: 'ok' });
 * expect(a.requests[0].headers['x-no-fallback']).toBe('1');
 * await a.close();
 */
export async function startUpstream(name = 'upstream'): Promise<Upstream> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  // Responses left open on purpose (hang, delay): reset() must end them so that one test's
  // hanging answer never lands in the next test.
  const pending = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  let behaviour: Behaviour = (request) => echo(name, request);

  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const answer = async (record: RecordedRequest, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let reply: Reply;
    try {
      reply = await behaviour(record);
    } catch (error) {
      reply = { status: 599, body: `upstream ${name}: behaviour threw ${String(error)}` };
    }
    const socket = req.socket;
    // Closing the connection ourselves is not a client abort.
    const closeOurselves = (): void => {
      pending.delete(res);
      res.removeAllListeners('close');
      socket.destroy();
    };
    if (reply.destroy) return closeOurselves();
    if (reply.garbage) {
      pending.delete(res);
      res.removeAllListeners('close');
      socket.end('THIS IS NOT HTTP AT ALL\r\n\u0000\u0001\u0002\r\n\r\n', () => socket.destroy());
      return;
    }
    if (reply.hang) return;
    const send = (): void => {
      if (res.destroyed || socket.destroyed) return;
      const encoded = reply.body === undefined && reply.status === undefined ? encodeBody(echo(name, record).body) : encodeBody(reply.body);
      let bytes = encoded.bytes;
      const headers: Record<string, string | number | string[]> = {};
      if (encoded.type) headers['content-type'] = encoded.type;
      Object.assign(headers, reply.headers ?? {});
      if (reply.gzip) {
        bytes = gzipSync(bytes);
        headers['content-encoding'] = 'gzip';
      }
      const chunked = reply.streamChunks !== undefined || Object.keys(headers).some((h) => h.toLowerCase() === 'transfer-encoding');
      if (!chunked) headers['content-length'] = bytes.length;
      for (const [header, value] of Object.entries(headers)) res.setHeader(header, value);
      res.statusCode = reply.status ?? 200;
      if (reply.closeMidBody) {
        res.flushHeaders();
        res.write(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 4))));
        later(50, closeOurselves);
        return;
      }
      if (reply.streamChunks) {
        res.flushHeaders();
        const pieces = [...reply.streamChunks];
        const next = (): void => {
          const piece = pieces.shift();
          if (piece === undefined) {
            pending.delete(res);
            res.end();
            return;
          }
          res.write(piece);
          later(reply.streamIntervalMs ?? 300, next);
        };
        next();
        return;
      }
      pending.delete(res);
      res.end(record.method === 'HEAD' ? undefined : bytes);
    };
    if (reply.delayMs && reply.delayMs > 0) later(reply.delayMs, send);
    else send();
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    const record: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body: Buffer.alloc(0),
      aborted: false,
      at: 0,
    };
    pending.add(res);
    res.on('close', () => {
      pending.delete(res);
      if (!res.writableFinished) record.aborted = true;
    });
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      record.body = Buffer.concat(chunks);
      record.at = Date.now();
      requests.push(record);
      void answer(record, req, res);
    });
    req.on('error', () => {
      // The client went away mid-body: nothing to answer.
    });
  });
  // Long keep-alive: a router's pooled connection must never race the server's idle close, or
  // an unrelated ECONNRESET would count as a provider failure in the test.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    name,
    url,
    origin: url,
    host: `127.0.0.1:${port}`,
    port,
    requests,
    set(next) {
      behaviour = typeof next === 'function' ? next : () => next;
    },
    reset() {
      requests.length = 0;
      behaviour = (request) => echo(name, request);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const res of pending) {
        res.removeAllListeners('close');
        res.socket?.destroy();
      }
      pending.clear();
    },
    async waitForRequests(count, timeoutMs = 5000) {
      await until(() => requests.length >= count, timeoutMs, `${count} request(s) on upstream ${name}`);
      return requests;
    },
    async waitForAbort(index, timeoutMs = 5000) {
      await until(() => requests[index]?.aborted === true, timeoutMs, `request ${index} on upstream ${name} to be aborted`);
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
      });
    },
  };
}
