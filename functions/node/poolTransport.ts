import { Agent } from 'undici';
import type { UpstreamFetch, UpstreamInit } from '../../shared/index.ts';
import { outgoingHeaders } from './outgoingHeaders.ts';
import { splitUrl } from './requestPath.ts';
import { upstreamAnswer } from './upstreamAnswer.ts';

/** Options of {@link createPoolTransport}. */
export interface PoolTransportOptions {
  /** Connections per upstream origin. @default 256 */
  connections?: number;
}

/**
 * The Express runtime's upstream transport: an undici `Agent` (a connection pool per provider
 * origin, the client Node's own `fetch` is built on), without `fetch`'s Request and Response
 * objects. Side by side with `http.request` and keep-alive agents it cost 15-30% less CPU per
 * proxied answer (`npm run bench`; the README's figures). Like {@link createHttpTransport}
 * (kept for the Lambda, whose bundle it keeps ~500 KB smaller) it passes bytes through untouched,
 * never follows redirects, and cuts the attempt when its signal fires. Timeouts are the core's:
 * undici's own header and body timeouts are off, so a long stream (server-sent events) lasts.
 *
 * @example
 * const router = createRouter({ config, fetch: createPoolTransport() });
 */
export function createPoolTransport(options: PoolTransportOptions = {}): UpstreamFetch & { close(): Promise<void> } {
  const agent = new Agent({ connections: options.connections ?? 256, pipelining: 1, headersTimeout: 0, bodyTimeout: 0 });
  const transport = async (url: string, init: UpstreamInit): Promise<Response> => {
    const { prefix: origin, path } = splitUrl(url);
    const answer = await agent.request({
      origin,
      path,
      method: init.method as 'GET',
      headers: outgoingHeaders(init),
      body: init.body ?? null,
      signal: init.signal,
      responseHeaders: 'raw',
    });
    // undici's body emits an error when destroyed (an http.IncomingMessage does not): every
    // cancel of an answer nobody reads (a HEAD, a losing hedge) would otherwise be an uncaught
    // exception. Readers that care (a pipe, the web stream) add their own listener.
    answer.body.on('error', ignore);
    try {
      const headers = new Headers();
      const raw = answer.headers as unknown as Buffer[];
      for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!.toString('latin1'), raw[i + 1]!.toString('latin1'));
      return upstreamAnswer(init.method, answer.statusCode, answer.statusText, headers, answer.body);
    } catch (error) {
      // Garbage from the provider (a status or header a Response refuses): a connection-level failure.
      answer.body.destroy();
      throw new Error(`invalid response from ${origin}: ${(error as Error).message}`, { cause: error });
    }
  };
  return Object.assign(transport, { close: () => agent.destroy() });
}

function ignore(): void {}
