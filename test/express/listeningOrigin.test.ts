import { describe, expect, it } from 'vitest';
import { listeningOrigin } from '../../functions/express/toRequest.ts';

const loopback = { localAddress: '127.0.0.1', localPort: 8787 };
const lan = { localAddress: '10.0.0.5', localPort: 8787 };

// [socket, Host, origin]: the origin rests on the socket; Host may only name this very listener.
const table: Array<[typeof loopback, string | undefined, string]> = [
  [loopback, undefined, 'http://127.0.0.1:8787'],
  [loopback, '127.0.0.1:8787', 'http://127.0.0.1:8787'],
  [loopback, 'localhost:8787', 'http://localhost:8787'],
  [loopback, 'LocalHost:8787', 'http://localhost:8787'],
  // Another port, another loopback address, another name: never taken from Host.
  [loopback, 'localhost:9001', 'http://127.0.0.1:8787'],
  [loopback, '127.0.0.2:8787', 'http://127.0.0.1:8787'],
  [loopback, '[::1]:8787', 'http://127.0.0.1:8787'],
  [loopback, 'provider.example:8787', 'http://127.0.0.1:8787'],
  [loopback, 'localhost', 'http://127.0.0.1:8787'],
  [lan, 'localhost:8787', 'http://10.0.0.5:8787'],
  [{ localAddress: '::ffff:127.0.0.1', localPort: 8787 }, undefined, 'http://127.0.0.1:8787'],
  [{ localAddress: '::1', localPort: 8787 }, 'localhost:8787', 'http://localhost:8787'],
  [{ localAddress: '::1', localPort: 8787 }, undefined, 'http://[::1]:8787'],
];

describe('Function: listeningOrigin', () => {
  it.each(table)('%j with Host %s -> %s', (socket, host, origin) => {
    expect(listeningOrigin(socket, host)).toBe(origin);
  });
});
