import type { Server } from 'node:http';

/** A server that can be closed without cutting the requests it is answering. */
export interface GracefulServer {
  /** Requests whose answer has not finished yet. */
  inFlight(): number;
  /**
   * Stops accepting at once, lets in-flight requests finish for at most `graceMs`, then closes
   * every connection that is left. Resolves once the server is closed.
   */
  close(graceMs: number): Promise<void>;
}

/**
 * Counts a server's in-flight requests so that shutdown (SIGTERM from a process manager, Ctrl-C)
 * lets them finish instead of resetting them: a request that is already on its way to a provider
 * ends with its answer, bounded by the routes' `deadline_ms`.
 *
 * @example
 * const graceful = gracefulClose(server);
 * process.once('SIGTERM', () => graceful.close(8000).then(() => process.exit(0)));
 */
export function gracefulClose(server: Server): GracefulServer {
  let inFlight = 0;
  let settled: (() => void) | undefined;
  server.on('request', (_req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) settled?.();
    });
  });
  return {
    inFlight: () => inFlight,
    async close(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, graceMs);
          settled = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      // Keep-alive sockets that just finished, and whatever outlived the grace period.
      server.closeAllConnections();
      await closed;
    },
  };
}
