import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonResponse, type Router } from '../../shared/index.ts';
import { captureChain } from './captureChain.ts';
import { listeningOrigin, RequestConversionError, toRequest } from './toRequest.ts';
import { writeResponse } from './writeResponse.ts';

/** Options of {@link routerMiddleware}. */
export interface RouterMiddlewareOptions {
  router: Router;
  /**
   * Mounted in a parent app in front of its own API routes: the rest of the middleware chain
   * serves the self provider's attempts in-process (SPEC 4). @default false
   */
  chainAsLocal?: boolean;
  /**
   * The origin this server is known by (`https://api.example.com`) when it sits behind a proxy
   * that the providers' URLs name: the request URL, and so self detection (SPEC 4), use it. Never
   * taken from the client's `Host`. @default the socket's listening address (`http://127.0.0.1:8787`)
   */
  origin?: string;
}

/**
 * Express (or plain `node:http`) middleware over the core. Routed paths are answered by the
 * router; everything else goes to `next()` (the parent app, the static folder or a 404).
 *
 * @example
 * app.use(routerMiddleware({ router, chainAsLocal: true }));
 * app.use('/task/api', taskApi); // serves provider ROUTE_SELF's attempts
 */
export function routerMiddleware(opts: RouterMiddlewareOptions) {
  return function hadokuRoute(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void {
    let request: Request;
    try {
      request = toRequest(req, res, opts.origin ?? socketOrigin(req));
    } catch (error) {
      const reason = error instanceof RequestConversionError ? error.message : 'malformed request';
      void writeResponse(jsonResponse(400, { error: reason }), res);
      return;
    }
    const ctx = {
      clientAddress: req.socket.remoteAddress?.replace(/^::ffff:/, ''),
      local: opts.chainAsLocal ? captureChain(req, res, next) : undefined,
    };
    opts.router.handle(request, ctx).then(
      (response) => (response ? writeResponse(response, res) : next()),
      (error) => next(error),
    );
  };
}

// A keep-alive socket carries many requests with the same local address and (nearly always) the
// same Host: its origin is worked out once per socket and Host, not once per request.
const origins = new WeakMap<object, { host: string | undefined; origin: string }>();

function socketOrigin(req: IncomingMessage): string {
  const host = req.headers.host;
  const known = origins.get(req.socket);
  if (known !== undefined && known.host === host) return known.origin;
  const origin = listeningOrigin(req.socket, host);
  origins.set(req.socket, { host, origin });
  return origin;
}
