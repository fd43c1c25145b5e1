/**
 * The seed's stack, as the comparison point: Express 5 + `http-proxy-middleware` with a keep-alive
 * agent, one JSON log line per request written to a file (as the router does).
 * `node bench/seedProcess.ts UPSTREAM_PORT LOG_FILE` prints `listening on URL`.
 */
import { createWriteStream } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { createLineWriter } from '../functions/node/lineWriter.ts';

const writeLine = createLineWriter(createWriteStream(process.argv[3] ?? '/dev/null'));
const app = express();
app.use((req, res, next) => {
  const started = performance.now();
  res.on('finish', () => {
    writeLine(
      JSON.stringify({ msg: 'proxied', method: req.method, path: req.path, status: res.statusCode, ms: performance.now() - started }),
    );
  });
  next();
});
app.use(
  createProxyMiddleware({
    target: `http://127.0.0.1:${Number(process.argv[2])}`,
    agent: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  }),
);
const server = app.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`));
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => process.exit(0));
