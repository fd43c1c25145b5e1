/**
 * Loopback ports for tests: a free one to hand to a server we spawn, and a refused one to use as a
 * provider that is down. Both come from binding port 0 and closing: `fetch` rejects "bad ports"
 * (`:1`, `:6000`...) with a TypeError before connecting, so a well-known closed port would test the
 * wrong failure.
 */
import { createServer } from 'node:net';

// Ports handed out by this process: two helpers asking in a row must never get the same port
// back (the kernel may reuse a just-closed port), or a "refused" provider could turn out to be
// the router itself.
const handedOut = new Set<number>();

/** Binds port 0 on `host`, closes it, and returns the port the kernel chose. */
function bindAndRelease(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * A port nothing listens on right now, never returned twice by this process.
 *
 * @example
 * const port = await freePort(); // spawn `serve --port ${port}`
 * @default host '127.0.0.1'
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let tries = 0; tries < 20; tries += 1) {
    const port = await bindAndRelease(host);
    if (port > 0 && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`freePort: no fresh port on ${host} after 20 tries`);
}

/**
 * A port whose connections are refused (ECONNREFUSED): a provider that is down.
 *
 * @example
 * const down = `http://127.0.0.1:${await refusedPort()}`;
 */
export function refusedPort(host = '127.0.0.1'): Promise<number> {
  return freePort(host);
}
