import { defineConfig } from 'vitest/config';
import { nodeOptionsWithStripCache } from './test/support/nodeOptionsWithStripCache.ts';
import { SlowFirstSequencer } from './test/support/slowFirstSequencer.ts';

// One project per runtime family: Node-hosted tests, and the Worker's tests that run inside workerd.
export default defineConfig({
  test: {
    reporters: ['default', './test/summaryReporter.ts'],
    // Most test files wait on child processes and sockets, not on the CPU: four at a time keep two
    // cores busy (the default, one per core minus one, leaves them idle while routers start).
    maxWorkers: 4,
    // The long files (routers, cdk synth, the CLI per test) start first, even on a clean clone
    // where vitest has no timings yet; the short unit tests fill the gaps at the end.
    sequence: { sequencer: SlowFirstSequencer },
    // The coverage gate of the shared core (issue 14): `npm test` (`vitest run --coverage`) and
    // `npm run coverage` (the unit tests of shared/ and the apps alone, ~1 min) fail below it. Only
    // code run in the node project counts: code run inside workerd is not measured.
    // index.ts and types.ts hold no runtime code (re-exports and types only).
    coverage: {
      provider: 'v8',
      include: ['shared/**'],
      exclude: ['shared/index.ts', 'shared/types.ts'],
      thresholds: { lines: 95, branches: 95 },
      reporter: ['text-summary'],
    },
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/worker/**', 'node_modules/**'],
          environment: 'node',
          // Test files share each worker's process and module cache instead of a fresh worker per
          // file: ~0.8 s of CPU saved per file (aws-cdk-lib, miniflare, the core compiled once per
          // worker). Tests may not leave state behind in a module; a helper's per-file cleanup
          // goes through the setup file, which runs before each file.
          isolate: false,
          setupFiles: ['test/support/perFile.ts'],
          // Every CLI, `serve` or `dev` a test spawns inherits this: Node's type stripping of the
          // sources, cached on disk, instead of ~0.4 s of CPU at each of some hundreds of starts.
          env: { NODE_OPTIONS: nodeOptionsWithStripCache(process.env.NODE_OPTIONS) },
          // Generous: four files run at a time on two cores, and a wrangler or cdk call alone can take 5-25 s.
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      'test/worker/vitest.config.ts',
    ],
  },
});
