import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * The Worker's tests run inside real workerd (Miniflare under @cloudflare/vitest-plugin), with
 * the bindings of the real `wrangler.toml` (KV `SETTINGS`, assets `STATIC`) and provider bases
 * pointing at the real upstream server that globalSetup starts on 127.0.0.1.
 */
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: here('../../wrangler.toml') },
      miniflare: {
        cf: false,
        bindings: {
          LOCAL_BASE: `http://127.0.0.1:${inject('upstreamPort')}`,
          WORKER_BASE: `http://127.0.0.1:${inject('deadPort')}`,
          LAMBDA_BASE: `http://127.0.0.1:${inject('upstreamPort')}/lambda`,
          ROUTE_CONFIG_MAX_AGE: '10',
        },
      },
    })),
  ],
  test: {
    name: 'worker',
    root: here('.'),
    include: ['**/*.test.ts'],
    globalSetup: [here('globalSetup.ts')],
    silent: 'passed-only',
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
