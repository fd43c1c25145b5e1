import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildBundle } from './buildBundle.ts';
import { refusedPort } from '../support/ports.ts';
import { startUpstreamServer } from './upstreamServer.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs in Node before the workerd tests: starts the real upstream server, finds a refused port,
 * and builds the real Worker bundle with `wrangler deploy --dry-run` (workerd cannot spawn
 * processes, so the build runs here and the tests inside workerd assess its report).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [upstream, deadPort, bundle] = await Promise.all([startUpstreamServer(), refusedPort(), buildBundle(repoRoot)]);
  project.provide('upstreamPort', (upstream.address() as { port: number }).port);
  project.provide('deadPort', deadPort);
  project.provide('bundle', bundle);
  // The figure the README quotes; printed here because passing tests run silent.
  console.log(
    bundle.ok
      ? `[worker] wrangler deploy --dry-run: ${bundle.wranglerLine} (index.js ${bundle.rawBytes} B, gzip -9 ${bundle.gzipBytes} B)`
      : `[worker] bundle build failed: ${bundle.error}`,
  );
  return () => close(upstream);
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
