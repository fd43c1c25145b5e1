/**
 * `npm run bench`: figures and ratios measured side by side in one run. Nothing here asserts on
 * time: the machines are shared, so speed goals are read from this output, not from tests.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { benchExpress } from './express.ts';

const here = path.dirname(new URL(import.meta.url).pathname);
const quick = process.argv.includes('--quick');

console.log(`# hadoku-route bench (${new Date().toISOString()}, node ${process.version}, ${quick ? 'quick' : 'full'})`);
await benchExpress({ concurrency: 16, requests: quick ? 2000 : 20_000, maxMs: quick ? 3000 : 10_000 });

// Runtime-specific benches live beside their runtimes' issues; run them when present.
for (const name of ['lambda', 'worker', 'propagation']) {
  const file = path.join(here, `${name}.ts`);
  if (!existsSync(file)) continue;
  const mod = (await import(file)) as Record<string, unknown>;
  const fn = Object.values(mod).find((v) => typeof v === 'function') as ((o: { quick: boolean }) => Promise<void>) | undefined;
  if (fn) await fn({ quick });
}
