/**
 * `npm run bench` (`-- --quick` for a run under a minute): figures and ratios measured side by
 * side in one run. Nothing here asserts on time: the machines are shared, so speed goals are read
 * from this output, not from tests.
 *
 * A full run adds the transport comparison, the bundles, cold starts, config propagation, the
 * status page figures and the hedging phases (minutes); a quick run adds the comparison, status
 * and hedging with `--transports`, `--status` and `--hedging`.
 */
import { benchCore } from './core.ts';
import { benchProxies } from './express.ts';
import { benchLambdaOverhead } from './lambdaOverhead.ts';

const quick = process.argv.includes('--quick');
const status = !quick || process.argv.includes('--status');
const hedging = !quick || process.argv.includes('--hedging');
const transports = !quick || process.argv.includes('--transports');
const started = performance.now();

console.log(`# hadoku-route bench (${new Date().toISOString()}, node ${process.version}, ${quick ? 'quick' : 'full'})`);
await benchProxies(
  quick
    ? { seconds: 2, rounds: 1, concurrencies: [32, 256], memoryConnections: 1000 }
    : { seconds: 5, rounds: 2, concurrencies: [32, 256], memoryConnections: 1000 },
);
if (transports) await (await import('./transports.ts')).benchTransports({ rounds: 5, seconds: 3, connections: 32 });
await benchCore({ quick });
await benchLambdaOverhead({ quick });
// Bundles, cold starts and config propagation: minutes of builds and flips, so only in a full run.
// Imported only then: Miniflare and the bundlers take seconds to load.
if (!quick) {
  await (await import('./lambda.ts')).benchLambda({ quick });
  await (await import('./worker.ts')).benchWorker({ quick });
  await (await import('./propagation.ts')).benchPropagation({ quick });
}
if (status) await (await import('./status.ts')).benchStatus({ quick });
// Open-loop phases at a fixed rate: about three minutes whatever the machine, so last.
if (hedging) await (await import('./hedging.ts')).benchHedging();
console.log(
  `\nbench took ${((performance.now() - started) / 1000).toFixed(0)} s${quick ? ' (quick: transport, bundle, Worker, propagation, status and hedging figures need a full run, or --transports / --status / --hedging)' : ''}`,
);
