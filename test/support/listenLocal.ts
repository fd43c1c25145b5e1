import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Listens `server` on 127.0.0.1 at a port the kernel picks, and registers its close (every
 * connection cut first, so a keep-alive socket cannot hold it open) with the test's `cleanups`.
 *
 * @example
 * const port = await listenLocal(http.createServer(handler), cleanups);
 */
export async function listenLocal(server: Server, cleanups: Array<() => Promise<void> | void>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}
