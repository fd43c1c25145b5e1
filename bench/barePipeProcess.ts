/**
 * Reference point for the router benchmark: the thinnest possible Node proxy (one keep-alive
 * `http.request` piped both ways, no fallback, no hygiene, no logging). Not a product: it shows
 * how much of the router's cost is Node's HTTP stack and how much is ours.
 * `node bench/barePipeProcess.ts UPSTREAM_PORT` prints `listening on URL`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const target = Number(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const server = http.createServer((req, res) => {
  const upstream = http.request({ host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: req.headers, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    res.statusCode = 502;
    res.end();
  });
  req.pipe(upstream);
});
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => process.exit(0));
