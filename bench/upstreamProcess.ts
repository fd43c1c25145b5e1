/**
 * A tiny upstream for benchmarks, run as its own process so it does not share an event loop with
 * the load generator: `node bench/upstreamProcess.ts [hang]` prints its port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const hang = process.argv[2] === 'hang';
const body = JSON.stringify({ ok: true, items: Array.from({ length: 10 }, (_, i) => ({ id: i, name: `item-${i}` })) });
const server = http.createServer((_req, res) => {
  if (hang) return; // never answers: the router's timeout must fire
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port));
process.on('SIGTERM', () => process.exit(0));
