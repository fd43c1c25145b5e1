/**
 * The Node ceiling: the thinnest Node proxy there is (an undici `Pool` per upstream, the answer
 * piped straight back, no fallback, no hygiene, no log). Not a product: it shows how much of the
 * router's cost is Node's HTTP stack and how much is ours.
 * `node bench/ceilingProcess.ts UPSTREAM_PORT` prints `listening on URL`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
// undici is the Express runtime's own transport (functions/node/poolTransport.ts): here it is all there is.
import { Pool } from 'undici';

const pool = new Pool(`http://127.0.0.1:${Number(process.argv[2])}`, { connections: 256, pipelining: 1 });
const server = http.createServer((req, res) => {
  pool.stream(
    {
      path: req.url ?? '/',
      method: req.method as 'GET',
      headers: req.headers as Record<string, string>,
      body: req.method === 'GET' ? null : req,
    },
    ({ statusCode, headers }) => {
      res.writeHead(statusCode, headers as http.OutgoingHttpHeaders);
      return res;
    },
    (error) => {
      if (error && !res.headersSent) res.writeHead(502).end();
    },
  );
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => process.exit(0));
