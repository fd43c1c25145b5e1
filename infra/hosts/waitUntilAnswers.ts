/** Raised when a started runtime never answered its health path. */
export class NotAnsweringError extends Error {
  constructor(url: string, ms: number, options?: { cause?: unknown }) {
    super(`${url} did not answer within ${ms} ms`, options);
    this.name = 'NotAnsweringError';
  }
}

/**
 * Polls `url` until it answers any HTTP status (a 500 "no config" still proves it listens), so
 * that "listening on ..." is printed only once a request would really be served.
 *
 * @param timeoutMs - give up after this long. @default 20000 (wrangler's local Worker takes ~3 s)
 * @throws {NotAnsweringError} with the last connection error as `cause`.
 */
export async function waitUntilAnswers(url: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  let lastError: unknown;
  // Bounded: at most timeoutMs / 50 polls, each with its own abort.
  while (Date.now() - start < timeoutMs) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000), redirect: 'manual' });
      await response.body?.cancel();
      return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new NotAnsweringError(url, timeoutMs, { cause: lastError });
}

/**
 * The URL to probe a server at: a wildcard bind (`0.0.0.0`, `::`) is reached on loopback.
 *
 * @example
 * probeUrl('http://0.0.0.0:8787'); // 'http://127.0.0.1:8787'
 */
export function probeUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.hostname === '0.0.0.0') parsed.hostname = '127.0.0.1';
  if (parsed.hostname === '[::]') parsed.hostname = '[::1]';
  return parsed.href.replace(/\/$/, '');
}
