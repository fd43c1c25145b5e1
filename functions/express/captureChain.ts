import { PassThrough } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalHandler } from '../../shared/index.ts';

/**
 * Lets the rest of an Express middleware chain play the local handler (SPEC 4, middleware mode):
 * calls `next()` with the response's output captured instead of sent, and resolves a Fetch
 * `Response` from it, so the core can judge the local answer like any other attempt and still
 * fall back. The request body, already buffered by the core, is replayed to downstream body
 * parsers. Works with handlers that answer through `res.writeHead/setHeader/write/end`
 * (everything Express's `res.send`/`res.json` use).
 */
export function captureChain(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): LocalHandler {
  return async (request) => {
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : null;
    return new Promise<Response>((resolve, reject) => {
      const restoreReq = replayBody(req, body);
      const chunks: Buffer[] = [];
      const original = { writeHead: res.writeHead, write: res.write, end: res.end, flushHeaders: res.flushHeaders };
      const restore = () => {
        Object.assign(res, original);
        restoreReq();
      };
      const collect = (chunk: unknown, encoding?: unknown) => {
        if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
        chunks.push(
          Buffer.isBuffer(chunk)
            ? chunk
            : typeof chunk === 'string'
              ? Buffer.from(chunk, (typeof encoding === 'string' ? encoding : 'utf8') as BufferEncoding)
              : Buffer.from(chunk as Uint8Array),
        );
      };
      res.writeHead = function writeHead(this: ServerResponse, status: number, ...rest: unknown[]) {
        res.statusCode = status;
        const headers = rest.find((r) => r && typeof r === 'object') as Record<string, string | string[]> | undefined;
        if (headers) for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
        return res;
      } as ServerResponse['writeHead'];
      res.flushHeaders = () => {};
      res.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
        collect(chunk, encoding);
        const done = [encoding, cb].find((f) => typeof f === 'function') as (() => void) | undefined;
        done?.();
        return true;
      }) as ServerResponse['write'];
      res.end = ((chunk?: unknown, encoding?: unknown, cb?: unknown) => {
        collect(chunk, encoding);
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.getHeaders())) {
          for (const v of Array.isArray(value) ? value : [String(value)]) headers.append(name, v);
          res.removeHeader(name);
        }
        const status = res.statusCode;
        res.statusCode = 200;
        restore();
        const done = [chunk, encoding, cb].find((f) => typeof f === 'function') as (() => void) | undefined;
        done?.();
        const payload = Buffer.concat(chunks);
        const nullBody = request.method === 'HEAD' || status === 204 || status === 304;
        try {
          resolve(new Response(nullBody ? null : payload, { status, headers }));
        } catch (error) {
          reject(error);
        }
        return res;
      }) as ServerResponse['end'];
      request.signal.addEventListener('abort', restore, { once: true });
      try {
        next();
      } catch (error) {
        restore();
        reject(error);
      }
    });
  };
}

// Downstream body parsers read `req` as a stream, but the core has consumed it: serve them the
// buffered copy through the stream methods they use, and report the request as not finished.
function replayBody(req: IncomingMessage, body: Uint8Array | null): () => void {
  const replay = new PassThrough();
  replay.end(body ? Buffer.from(body) : Buffer.alloc(0));
  const methods = [
    'on',
    'once',
    'addListener',
    'removeListener',
    'off',
    'pipe',
    'unpipe',
    'read',
    'resume',
    'pause',
    'isPaused',
    'setEncoding',
    'removeAllListeners',
  ] as const;
  const target = req as unknown as Record<string | symbol, unknown>;
  const saved = new Map<string | symbol, PropertyDescriptor | undefined>();
  const define = (key: string | symbol, descriptor: PropertyDescriptor) => {
    saved.set(key, Object.getOwnPropertyDescriptor(req, key));
    Object.defineProperty(req, key, { configurable: true, ...descriptor });
  };
  for (const name of methods) {
    const fn = (replay as unknown as Record<string, (...args: unknown[]) => unknown>)[name];
    define(name, {
      value: (...args: unknown[]) => {
        const out = fn.apply(replay, args);
        return out === replay ? req : out;
      },
      writable: true,
    });
  }
  define(Symbol.asyncIterator, { value: () => replay[Symbol.asyncIterator](), writable: true });
  define('readable', { get: () => replay.readable });
  define('complete', { get: () => false });
  return () => {
    for (const [key, descriptor] of saved) {
      if (descriptor) Object.defineProperty(req, key, descriptor);
      else delete target[key];
    }
  };
}
