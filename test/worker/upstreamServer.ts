import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { COMPRESSIBLE_TEXT } from './fixtures.ts';

/**
 * A real upstream app on 127.0.0.1 for the workerd tests (started by globalSetup).
 *
 * - `/task/api/echo...`: 200 JSON with method, url and request headers
 * - `/task/api/gzip`, `/task/api/br`: compressed {@link COMPRESSIBLE_TEXT} with two Set-Cookie
 * - `/task/api/redirect`: 302 to `/task/api/echo`
 * - `/cached/api/...`: 200 JSON `{ hits }`, counting hits per URL
 * - `/__hits?url=/cached/api/x`: how often that URL was served
 * - anything else: 404 JSON
 */
export function startUpstreamServer(): Promise<Server> {
  const hits = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    const path = url.pathname;
    if (path === '/__hits') {
      return json(res, 200, { hits: hits.get(url.searchParams.get('url') ?? '') ?? 0 });
    }
    hits.set(req.url ?? '', (hits.get(req.url ?? '') ?? 0) + 1);
    if (path.startsWith('/task/api/echo')) {
      return json(res, 200, { method: req.method, url: req.url, headers: req.headers });
    }
    if (path === '/task/api/gzip' || path === '/task/api/br') {
      const raw = Buffer.from(COMPRESSIBLE_TEXT);
      const body = path.endsWith('gzip') ? gzipSync(raw) : brotliCompressSync(raw);
      res.writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        'content-encoding': path.endsWith('gzip') ? 'gzip' : 'br',
        'content-length': body.length,
        'set-cookie': ['a=1; Path=/', 'b=2; Path=/'],
      });
      return res.end(body);
    }
    if (path === '/task/api/redirect') {
      res.writeHead(302, { location: '/task/api/echo' });
      return res.end();
    }
    if (path.startsWith('/cached/api/')) {
      return json(res, 200, { hits: hits.get(req.url ?? '') }, { 'cache-control': 'public, max-age=30' });
    }
    return json(res, 404, { error: 'upstream: no such path' });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
