import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostHeaderProblem } from '../../shared/hostHeader.ts';
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
 * The URL is the listening origin plus the request-target's path and query (SPEC 3.0): the
 * client's `Host` never enters it, so it can neither splice a path into the URL (`Host:
 * h/open/api/x?`) nor pass for another origin (self detection rests on this origin). `Host` stays
 * a header, reported upstream as `X-Forwarded-Host`; one that is not a single valid `host[:port]`
 * is refused. An absolute-form target keeps only its path and query.
 *
 * @param origin - `http://127.0.0.1:8787`: where this server listens (or its configured public origin)
 * @throws {RequestConversionError} on a bad `Host`, a target that is not a path, or a header the Fetch API rejects
 * @example
 * const request = toRequest(req, res, 'http://127.0.0.1:8787');
 */
export function toRequest(req: IncomingMessage, res: ServerResponse, origin: string): Request {
  // One pass over the raw headers: copy them and pick out every Host (Node's `req.headers.host`
  // keeps only the first). A header the Fetch API rejects is reported after the Host check.
  const headers = new Headers();
  const hosts: string[] = [];
  let rejected: unknown;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') hosts.push(raw[i + 1]!);
    try {
      headers.append(name, raw[i + 1]!);
    } catch (error) {
      rejected ??= error;
    }
  }
  const hostProblem = hostHeaderProblem(hosts);
  if (hostProblem !== null) throw new RequestConversionError(hostProblem);
  const target = pathAndQuery(req.url ?? '/');
  const controller = new AbortController();
  try {
    if (rejected !== undefined) throw rejected;
    const url = `${origin}${target}`;
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const method = req.method ?? 'GET';
    const declared = req.headers['content-length'];
    const framed = declared !== undefined ? declared !== '0' : req.headers['transfer-encoding'] !== undefined;
    const hasBody = method !== 'GET' && method !== 'HEAD' && framed;
    const request = new Request(url, {
      method,
      headers,
      // Cancelling an oversized body only pauses it: the socket still carries our 413.
      body: hasBody ? lazyWebStream(req, (source) => source.pause()) : null,
      // @ts-expect-error: `duplex` is required by Node's fetch for streamed bodies, missing in DOM types
      duplex: 'half',
    });
    // The client's signal is attached as the Request's own `signal`, not passed to the constructor:
    // undici follows a passed signal through a dependent signal and a finalization registry, ~30 us
    // and GC work per request (more than the whole core). The core only reads `request.signal`.
    Object.defineProperty(request, 'signal', { value: controller.signal, enumerable: true });
    return request;
  } catch (error) {
    throw new RequestConversionError(`malformed request: ${(error as Error).message}`, { cause: error });
  }
}

/** The path and query of an origin-form or absolute-form target; anything else (`*`, authority-form) is refused. */
function pathAndQuery(target: string): string {
  if (target.startsWith('/')) return target;
  if (/^https?:\/\//i.test(target)) {
    try {
      const absolute = new URL(target);
      return absolute.pathname + absolute.search;
    } catch {
      // fall through to the refusal
    }
  }
  throw new RequestConversionError(`request target must be a path (got ${target === '*' ? '*' : 'a non-path target'})`);
}

/**
 * The origin a Node server is reached at, from the socket's local address and port (vouched for
 * by the kernel, unlike `Host`). One exception keeps the loopback alias recognised as self: on a
 * loopback socket, `Host: localhost:<the socket's own port>` names this very listener, so it is
 * used as given (a provider `http://localhost:8787` is then this router). A `Host` can therefore
 * only ever name this listener, never another provider.
 *
 * @example
 * listeningOrigin(req.socket);                   // 'http://127.0.0.1:8787'
 * listeningOrigin(req.socket, 'localhost:8787'); // 'http://localhost:8787'
 * listeningOrigin(req.socket, 'api.example');    // 'http://127.0.0.1:8787'
 */
export function listeningOrigin(socket: { localAddress?: string; localPort?: number; encrypted?: boolean }, host?: string): string {
  const proto = socket.encrypted ? 'https' : 'http';
  const address = (socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const port = socket.localPort ?? 80;
  const own = `${proto}://${address.includes(':') ? `[${address}]` : address}:${port}`;
  const alias = host === undefined ? null : /^(.+?)(?::(\d+))?$/.exec(host.trim());
  if (alias === null || alias[1]!.toLowerCase() !== 'localhost' || !/^(127\.|::1$)/.test(address)) return own;
  const aliasPort = alias[2] === undefined ? (proto === 'https' ? 443 : 80) : Number(alias[2]);
  return aliasPort === port ? `${proto}://${alias[1]!.toLowerCase()}:${port}` : own;
}
