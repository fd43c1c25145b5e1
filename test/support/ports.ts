/**
 * Loopback ports for tests: a free one to hand to a server we spawn, and a refused one to use as a
 * provider that is down.
 *
 * Both are taken from below the kernel's ephemeral range (`ip_local_port_range`), which the kernel
 * never hands out by itself: a port handed out here and released cannot be taken meanwhile by
 * another process's `listen(0)` or by an outgoing connection. Taking a port 0 and closing it, as
 * this file used to, left that window open, and with five conformance files starting their
 * upstreams at once another file's upstream took a "refused" port (the provider that must be down
 * answered 200). Both also stay above 10080, the last of the ports `fetch` rejects ("bad ports")
 * with a TypeError before connecting, which would test the wrong failure.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The highest port `fetch` refuses to connect to (the Fetch standard's bad ports end at 10080). */
const LAST_BAD_PORT = 10_080;
/** A span this small is not worth drawing from (the ephemeral range starts too low). */
const MIN_SPAN = 1000;

// Ports handed out by this process: two helpers asking in a row must never get the same port
// back, or a "refused" provider could turn out to be the router itself.
const handedOut = new Set<number>();

/** The kernel's ephemeral range: Linux's file, else the IANA range (macOS, Windows). */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high) && low <= high) return [low, high];
  } catch {
    // Not Linux.
  }
  return [49_152, 65_535];
}

/**
 * Ports the kernel does not hand out by itself, as `[first, last]`: below the ephemeral range and
 * above the bad ports, else above the range; undefined when neither span is large enough.
 *
 * @example
 * quietSpan([32768, 60999]); // [10081, 32767]
 */
export function quietSpan([low, high]: [number, number]): [number, number] | undefined {
  if (low - 1 - (LAST_BAD_PORT + 1) >= MIN_SPAN) return [LAST_BAD_PORT + 1, low - 1];
  if (65_535 - (high + 1) >= MIN_SPAN) return [Math.max(high + 1, LAST_BAD_PORT + 1), 65_535];
  return undefined;
}

/** Listens on `host:port` (0 = the kernel chooses), closes, and resolves to the port; rejects if taken. */
function bindAndRelease(host: string, port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(bound));
    });
  });
}

/** A random port of `span` that can be bound right now and was not handed out before. */
async function quietPort(host: string, [first, last]: [number, number]): Promise<number | undefined> {
  for (let tries = 0; tries < 50; tries += 1) {
    const port = first + Math.floor(Math.random() * (last - first + 1));
    if (handedOut.has(port)) continue;
    // In use (another test's server, or another program): draw again.
    const bound = await bindAndRelease(host, port).catch(() => undefined);
    if (bound === port) return port;
  }
  return undefined;
}

/**
 * A port nothing listens on right now, never returned twice by this process, and (where the
 * kernel's ephemeral range leaves room) one the kernel will not give to anyone else meanwhile.
 *
 * @example
 * const port = await freePort(); // spawn `serve --port ${port}`
 * @default host '127.0.0.1'
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const span = quietSpan(ephemeralRange());
  const quiet = span ? await quietPort(host, span) : undefined;
  if (quiet !== undefined) {
    handedOut.add(quiet);
    return quiet;
  }
  // No quiet span (or it is full): let the kernel choose, as before.
  for (let tries = 0; tries < 20; tries += 1) {
    const port = await bindAndRelease(host, 0);
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
