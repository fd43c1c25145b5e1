/**
 * The conformance suite's HTTP client: `node:http` with the request target sent exactly as
 * written (no URL normalisation, unlike `fetch`, which would resolve `..` and `%2e` itself and hide
 * the router's own handling), no decompression, and every response header as received.
 */
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

/** Bodies larger than this go through {@link sendLargeBody}. */
const LARGE_BODY = 256 * 1024;

/** Options of {@link send}. */
export interface SendOptions {
  /** @default 'GET' */
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Uint8Array;
  /** Send the body with `Transfer-Encoding: chunked` in two pieces instead of `Content-Length`. */
  chunked?: boolean;
  /** Abort the request after this long: the client going away. */
  abortAfterMs?: number;
  /** Give up waiting for the whole answer after this long. @default 15_000 */
  timeoutMs?: number;
}

/** A complete answer. */
export interface Answer {
  status: number;
  /** Lower-cased; repeats joined by Node (`set-cookie` kept as an array). */
  headers: IncomingHttpHeaders;
  /** Name/value pairs as received. */
  rawHeaders: string[];
  /** Body bytes exactly as received (still compressed if the router sent it compressed). */
  body: Buffer;
  /** Body as UTF-8. */
  text: string;
  /** Milliseconds from sending to the end of the body. */
  ms: number;
  /** Milliseconds from sending to the response headers. */
  headersMs: number;
  /** One header as a string (`undefined` when absent). */
  header(name: string): string | undefined;
  /** Body parsed as JSON; throws with the text when it is not JSON. */
  json<T = Record<string, unknown>>(): T;
}

/** Thrown when a request fails at the socket level (reset, hang up, timeout). */
export class SendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SendError';
  }
}

/**
 * Sends one request to `baseUrl` with `target` as the request line's target, verbatim.
 *
 * @example
 * const answer = await send(router.baseUrl, '/task/x/../api/items', { headers: { 'x-request-id': 'r1' } });
 * expect(answer.status).toBe(200);
 */
export function send(baseUrl: string, target: string, options: SendOptions = {}): Promise<Answer> {
  const base = new URL(baseUrl);
  const started = performance.now();
  if (options.body !== undefined && !options.chunked && options.body.length > LARGE_BODY)
    return sendLargeBody(base, target, options, started);
  return new Promise<Answer>((resolveAnswer, reject) => {
    const headers: OutgoingHttpHeaders = { ...(options.headers ?? {}) };
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    if (body && !options.chunked && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length'))
      headers['content-length'] = body.length;
    const req = httpRequest({
      host: base.hostname,
      port: base.port,
      method: options.method ?? 'GET',
      path: target,
      headers,
      // A fresh connection per request: no state carried from one scenario to the next.
      agent: false,
    });
    const label = `${options.method ?? 'GET'} ${target}`;
    let settled = false;
    // Once the response has started, destroying the request no longer emits 'error' on it: every
    // failure path rejects here directly.
    const fail = (error: Error): void => {
      clearTimeout(timer);
      clearTimeout(abortTimer);
      req.destroy();
      if (settled) return;
      settled = true;
      reject(error instanceof SendError ? error : new SendError(`${label}: ${error.message}`, { cause: error }));
    };
    const timer = setTimeout(
      () => fail(new SendError(`no complete answer to ${label} within ${options.timeoutMs ?? 15_000} ms`)),
      options.timeoutMs ?? 15_000,
    );
    const abortTimer =
      options.abortAfterMs === undefined
        ? undefined
        : setTimeout(() => fail(new SendError('aborted by the client on purpose')), options.abortAfterMs);
    let answered = false;
    // After the answer started, an upload error (EPIPE from a server that stopped reading) is not
    // the outcome: the answer is, and a cut answer is caught on the response itself.
    req.on('error', (error) => {
      if (!answered) fail(error);
    });
    req.on('response', (res) => {
      answered = true;
      const headersMs = performance.now() - started;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      // A body cut short ends with 'close' and no 'end' (and not always an 'error').
      res.on('close', () => {
        if (!res.complete) fail(new SendError(`${label}: answer ${res.statusCode} cut short after its headers`));
      });
      res.on('end', () => {
        clearTimeout(timer);
        clearTimeout(abortTimer);
        if (settled) return;
        settled = true;
        if (!req.writableFinished) req.destroy();
        resolveAnswer(
          makeAnswer(
            res.statusCode ?? 0,
            res.headers,
            res.rawHeaders,
            Buffer.concat(chunks),
            target,
            performance.now() - started,
            headersMs,
          ),
        );
      });
    });
    if (body && options.chunked) {
      const half = Math.floor(body.length / 2);
      req.write(body.subarray(0, half));
      setTimeout(() => req.end(body.subarray(half)), 20);
    } else {
      req.end(body);
    }
  });
}

/** Builds an {@link Answer} from parsed parts. */
function makeAnswer(
  status: number,
  headers: IncomingHttpHeaders,
  rawHeaders: string[],
  bytes: Buffer,
  target: string,
  ms: number,
  headersMs: number,
): Answer {
  const text = bytes.toString('utf8');
  return {
    status,
    headers,
    rawHeaders,
    body: bytes,
    text,
    ms,
    headersMs,
    header(name) {
      const value = headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    json<T>() {
      try {
        return JSON.parse(text) as T;
      } catch (error) {
        throw new SendError(`answer ${status} to ${target} is not JSON: ${text.slice(0, 300)}`, { cause: error });
      }
    },
  };
}

/**
 * Sends a large body over a raw socket and reads the answer whatever happens to the upload. A
 * server may answer early (413) and close without reading the rest, as HTTP allows; curl and
 * browsers show that answer, but Node's http client reports the EPIPE of its next write instead.
 */
function sendLargeBody(base: URL, target: string, options: SendOptions, started: number): Promise<Answer> {
  const body = Buffer.from(options.body ?? '');
  const method = options.method ?? 'POST';
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${base.host}`, 'Connection: close', `Content-Length: ${body.length}`];
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (/^(host|connection|content-length)$/i.test(name) || value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${String(one)}`);
  }
  return new Promise<Answer>((resolveAnswer, reject) => {
    const socket = connect(Number(base.port), base.hostname);
    const received: Buffer[] = [];
    let headersMs = 0;
    const timer = setTimeout(
      () => socket.destroy(new SendError(`no complete answer to ${method} ${target} within ${options.timeoutMs ?? 15_000} ms`)),
      options.timeoutMs ?? 15_000,
    );
    socket.on('data', (chunk: Buffer) => {
      if (!headersMs) headersMs = performance.now() - started;
      received.push(chunk);
    });
    // Upload errors (EPIPE, ECONNRESET after an early answer) are not the outcome: what was read is.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(received);
      const split = raw.indexOf('\r\n\r\n');
      if (split < 0) return reject(new SendError(`${method} ${target}: connection closed without an answer (${raw.length} bytes read)`));
      const [statusLine, ...headerLines] = raw.subarray(0, split).toString('latin1').split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
      const headers: IncomingHttpHeaders = {};
      const rawHeaders: string[] = [];
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        rawHeaders.push(name, value);
        const key = name.toLowerCase();
        if (key === 'set-cookie') headers['set-cookie'] = [...(headers['set-cookie'] ?? []), value];
        else headers[key] = headers[key] === undefined ? value : `${String(headers[key])}, ${value}`;
      }
      let payload: Buffer = raw.subarray(split + 4);
      if (String(headers['transfer-encoding'] ?? '').includes('chunked')) payload = dechunk(payload);
      else if (headers['content-length'] !== undefined) payload = payload.subarray(0, Number(headers['content-length']));
      resolveAnswer(makeAnswer(status, headers, rawHeaders, payload, target, performance.now() - started, headersMs));
    });
    socket.on('connect', () => {
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      // A router may judge the declared Content-Length and answer at once: give it the chance to
      // do so before any body byte is in flight (an early close with unread bytes is a TCP RST,
      // which can destroy the answer before it is read). Then piece by piece, stopping as soon
      // as an answer arrives, for a router that counts the bytes as they stream.
      void (async () => {
        const waitUntil = Date.now() + 500;
        while (received.length === 0 && !socket.destroyed && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 10));
        for (let offset = 0; offset < body.length; offset += 64 * 1024) {
          if (received.length > 0 || socket.destroyed) return;
          if (!socket.write(body.subarray(offset, offset + 64 * 1024))) {
            await new Promise<void>((resolveDrain) => {
              socket.once('drain', resolveDrain);
              socket.once('close', resolveDrain);
            });
          }
        }
        // No half-close (socket.end()) after the body: some servers take a client FIN for a
        // client that went away. `Connection: close` ends the exchange after the answer.
      })();
    });
  });
}

/** Decodes a chunked body (trailers ignored). */
function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!size) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
