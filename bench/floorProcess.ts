/**
 * The Fetch-shaped floor: the Express runtime's own adapter and transport with no core between
 * them. Each request becomes a Fetch `Request` (`toRequest`), goes upstream through the undici
 * pool transport with its headers as they came, and its `Response` is written back
 * (`writeResponse`). No fallback, breaker, deadline, header hygiene or log. Not a product: beside
 * the Node ceiling and the router it splits the router's cost into what crossing the Fetch shape
 * costs (ceiling to floor) and what the core's logic costs (floor to router).
 * `node bench/floorProcess.ts UPSTREAM_PORT` prints `listening on URL`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { toRequest } from '../functions/express/toRequest.ts';
import { writeResponse } from '../functions/express/writeResponse.ts';
import { createPoolTransport } from '../functions/node/poolTransport.ts';
import { splitUrl } from '../functions/node/requestPath.ts';

const upstream = `http://127.0.0.1:${Number(process.argv[2])}`;
const transport = createPoolTransport();
const server = http.createServer((req, res) => {
  const request = toRequest(req, res, 'http://127.0.0.1');
  const target = upstream + splitUrl(request.url).path;
  transport(target, { method: request.method, headers: request.headers, body: null, signal: request.signal, redirect: 'manual' }).then(
    (response) => writeResponse(response, res),
    () => res.writeHead(502).end(),
  );
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => process.exit(0));
