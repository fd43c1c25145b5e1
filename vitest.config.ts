import { defineConfig } from 'vitest/config';

// One project per runtime family: Node-hosted tests, and the Worker's tests that run inside workerd.
export default defineConfig({
  test: {
    reporters: ['default', './test/summaryReporter.ts'],
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
