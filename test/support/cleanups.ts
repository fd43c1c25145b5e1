/**
 * What the running test started and must stop (servers, routers, transports, listeners): run
 * after each test, the last pushed first, by the `afterEach` of `test/support/perFile.ts`.
 *
 * @example
 * const server = http.createServer(handler);
 * cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
 */
export const cleanups: Array<() => Promise<void> | void> = [];

/** Runs and forgets every cleanup of the test that just ended, the last pushed first. */
export async function runCleanups(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}
