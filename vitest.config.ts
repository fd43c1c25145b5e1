import { defineConfig } from 'vitest/config';

// One project per runtime family: Node-hosted tests, and the Worker's tests that run inside workerd.
export default defineConfig({
  test: {
    reporters: ['default', './test/summaryReporter.ts'],
    // The coverage gate of the shared core (issue 14): `npm run coverage` (node project, unit tests of
    // shared/ and the demo apps) fails below it. The worker project adds nothing: code run inside workerd
    // is not measured, so a worker-only run measures no file and would pass vacuously.
    // index.ts and types.ts hold no runtime code (re-exports and types only).
    coverage: {
      provider: 'v8',
      include: ['shared/**'],
      exclude: ['shared/index.ts', 'shared/types.ts'],
      thresholds: { lines: 95, branches: 95 },
      reporter: ['text'],
    },
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/worker/**', 'node_modules/**'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      'test/worker/vitest.config.ts',
    ],
  },
});
