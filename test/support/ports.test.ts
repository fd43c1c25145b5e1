import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, quietSpan, refusedPort } from './ports.ts';

/** The kernel's ephemeral range on this machine (Linux), or undefined. */
function kernelRange(): [number, number] | undefined {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return [low, high];
  } catch {
    return undefined;
  }
}

/** Resolves to the error code of a connection to `port` (ECONNREFUSED when nothing listens). */
function connectError(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? String(error)));
  });
}

describe('Module: ports (loopback ports the kernel does not hand out meanwhile)', () => {
  it.each([
    { name: 'Linux default', range: [32_768, 60_999], span: [10_081, 32_767] },
    { name: 'IANA (macOS)', range: [49_152, 65_535], span: [10_081, 49_151] },
    { name: 'range from 1024: the span above it', range: [1024, 60_000], span: [60_001, 65_535] },
    { name: 'range from 1024 to the top: none', range: [1024, 65_535], span: undefined },
    { name: 'range from 10500: too little below, the span above', range: [10_500, 50_000], span: [50_001, 65_535] },
  ])('quietSpan, $name', ({ range, span }) => {
    expect(quietSpan(range as [number, number])).toEqual(span);
  });

  it('freePort gives distinct ports outside the ephemeral range, and nothing answers on them', async () => {
    // Act
    const ports = await Promise.all([freePort(), freePort(), refusedPort(), refusedPort()]);
    // Assess
    expect(new Set(ports).size).toBe(ports.length);
    const range = kernelRange();
    const span = range && quietSpan(range);
    for (const port of ports) {
      expect(port).toBeGreaterThan(10_080);
      if (span) expect(port).toBeGreaterThanOrEqual(span[0]);
      if (span) expect(port).toBeLessThanOrEqual(span[1]);
      expect(await connectError(port)).toBe('ECONNREFUSED');
    }
  });
});
