import { createServer } from 'node:net';

/**
 * Whether `port` can be bound on `host` right now (checked by binding it and letting go).
 * Port 0 is always "free": the system picks one.
 */
export function isPortFree(host: string, port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Starts something on the first free port among `candidates`, else on any free port (0). A port
 * that looked free but was taken in between (EADDRINUSE from `start`) moves on to the next one.
 */
export async function startOnFreePort<T>(host: string, candidates: readonly number[], start: (port: number) => Promise<T>): Promise<T> {
  for (const port of [...candidates, 0]) {
    if (!(await isPortFree(host, port))) continue;
    try {
      return await start(port);
    } catch (error) {
      if (port === 0 || !isAddressInUse(error)) throw error;
    }
  }
  throw new Error('unreachable: port 0 either starts or throws');
}

function isAddressInUse(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === 'EADDRINUSE') return true;
  }
  return false;
}

/**
 * The loopback port a base URL names, for `dev` to reuse the ports of `.env`; `undefined` when
 * the URL is not a loopback http URL with an explicit port.
 *
 * @example
 * loopbackPort('http://127.0.0.1:4001'); // 4001
 * loopbackPort('https://worker.example.com'); // undefined
 */
export function loopbackPort(base: string | undefined): number | undefined {
  if (!base) return undefined;
  try {
    const url = new URL(base);
    const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
    return url.protocol === 'http:' && loopback && url.port ? Number(url.port) : undefined;
  } catch {
    return undefined;
  }
}
