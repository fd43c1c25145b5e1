/**
 * The Express router as its own process for benchmarks: `node bench/routerProcess.ts CONFIG [LOG_FILE]`.
 * Request log lines go to LOG_FILE (batched, one JSON line per routed request) or stdout.
 * `BENCH_TRANSPORT=http` sends upstream through `createHttpTransport()` (the Lambda's) instead of
 * the default undici pools, for the transport comparison.
 */
import { createWriteStream } from 'node:fs';
import { startExpressRouter } from '../functions/express/server.ts';
import { createHttpTransport } from '../functions/node/httpTransport.ts';
import { createLineWriter } from '../functions/node/lineWriter.ts';

const logFile = process.argv[3];
const writeLine = logFile ? createLineWriter(createWriteStream(logFile)) : undefined;
const router = await startExpressRouter({
  configPath: process.argv[2]!,
  port: 0,
  ...(process.env.BENCH_TRANSPORT === 'http' ? { transport: createHttpTransport() } : {}),
  ...(writeLine ? { log: (entry) => writeLine(JSON.stringify(entry)) } : {}),
});
console.log(`listening on ${router.url}`);
process.on('SIGTERM', () => void router.close().then(() => process.exit(0)));
