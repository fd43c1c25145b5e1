/** The Express router as its own process for benchmarks: `node bench/routerProcess.ts CONFIG`. */
import { startExpressRouter } from '../functions/express/server.ts';

const router = await startExpressRouter({ configPath: process.argv[2], port: 0, ...(process.env.NOLOG ? { log: () => {} } : {}) });
console.log(`listening on ${router.url}`);
process.on('SIGTERM', () => void router.close().then(() => process.exit(0)));
