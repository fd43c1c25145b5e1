import type { IncomingMessage, ServerResponse } from 'node:http';
import { lazyWebStream } from '../node/lazyWebStream.ts';

/** The request could not be turned into a Fetch `Request` (malformed target or header). */
export class RequestConversionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RequestConversionError';
  }
}

/**
 * Converts a Node request into a Fetch `Request`. Headers come from `rawHeaders` (repeats kept),
 * the body streams lazily, and the Request's signal aborts when the client goes away before the
 * answer is finished, so the core aborts its upstream attempt.
 *
 * The URL is built by prefixing the authority ourselves: `new URL(req.url, base)` would let a
 * request target such as `//evil.example/x` replace the host. An absolute-form target keeps only
 * its path and query (its authority never decides where the request goes).
 *
 * @throws {RequestConversionError} on a target or header the Fetch API rejects
 */
export function toRequest(req: IncomingMessage, res: ServerResponse, fallbackHost: string): Request {
  const host = req.headers.host || fallbackHost;
  const proto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  let target = req.url ?? '/';
  if (!target.startsWith('/')) {
    try {
      const absolute = new URL(target);
      target = absolute.pathname + absolute.search;
    } catch {
      throw new RequestConversionError(`malformed request target ${JSON.stringify(target.slice(0, 100))}`);
    }
  }
  const headers = new Headers();
  const controller = new AbortController();
  try {
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
    const url = `${proto}://${host}${target}`;
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const method = req.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD' && (req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined);
    return new Request(url, {
      method,
      headers,
      // Cancelling an oversized body only pauses it: the socket still carries our 413.
      body: hasBody ? lazyWebStream(req, (source) => source.pause()) : null,
      signal: controller.signal,
      // @ts-expect-error: `duplex` is required by Node's fetch for streamed bodies, missing in DOM types
      duplex: 'half',
    });
  } catch (error) {
    throw new RequestConversionError(`malformed request: ${(error as Error).message}`, { cause: error });
  }
}
