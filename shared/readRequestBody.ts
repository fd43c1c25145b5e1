import { concatBytes } from './readCapped.ts';
import type { BodyBudget } from './bodyBudget.ts';

/** Limits of one body read. */
export interface BodyLimits {
  /** The route's `max_body_bytes`. */
  maxBytes: number;
  /** `Content-Length` as declared, `null` when absent (chunked) or not a number. */
  declared: number | null;
  /** The instance's shared budget and its cap (`max_buffered_body_bytes`). */
  budget: BodyBudget;
  budgetCap: number;
  /** Milliseconds left of the request's `deadline_ms`: the body must be whole by then. */
  timeoutMs: number;
}

/** How a body read ended. */
export type BodyRead =
  | { kind: 'ok'; body: Uint8Array }
  /** Larger than `max_body_bytes` (declared or counted): 413. */
  | { kind: 'too-large' }
  /** Does not fit in the shared budget now: 503 with Retry-After. */
  | { kind: 'busy' }
  /** Not whole before the deadline: 408, and the connection is closed. */
  | { kind: 'timeout' }
  /** The stream broke (client went away, malformed chunking): 400. */
  | { kind: 'unreadable' };

/**
 * Reads a request body whole, bounded three ways (SPEC 3.0 and `max_body_bytes`): in size (the
 * route's `max_body_bytes`, judged on the declared length first, then on the bytes counted), in
 * time (the rest of the request's deadline, so a stalled upload cannot hold its connection and
 * its buffer until the server's own request timeout), and in memory across requests (the shared
 * {@link BodyBudget}). Whatever ends the read early cancels the stream and gives the budget back.
 *
 * @example
 * const read = await readRequestBody(request.body, { maxBytes, declared, budget, budgetCap, timeoutMs });
 * if (read.kind === 'timeout') return fail(408, 'request body not received in time');
 */
export async function readRequestBody(stream: ReadableStream<Uint8Array>, limits: BodyLimits): Promise<BodyRead> {
  if (limits.declared !== null && limits.declared > limits.maxBytes) {
    await stream.cancel().catch(() => {});
    return { kind: 'too-large' };
  }
  // A declared length is taken whole up front: a request that cannot fit is told at once.
  let taken = limits.declared ?? 0;
  if (!limits.budget.take(taken, limits.budgetCap)) {
    await stream.cancel().catch(() => {});
    return { kind: 'busy' };
  }
  const reader = stream.getReader();
  let expire: (value: 'timeout') => void = () => {};
  const expired = new Promise<'timeout'>((resolve) => (expire = resolve));
  const timer = setTimeout(() => expire('timeout'), Math.max(0, limits.timeoutMs));
  try {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const next = await Promise.race([reader.read(), expired]);
      if (next === 'timeout') return await cancelled(reader, { kind: 'timeout' });
      if (next.done) break;
      size += next.value.byteLength;
      if (size > limits.maxBytes) return await cancelled(reader, { kind: 'too-large' });
      if (size > taken) {
        if (!limits.budget.take(size - taken, limits.budgetCap)) return await cancelled(reader, { kind: 'busy' });
        taken = size;
      }
      chunks.push(next.value);
    }
    return { kind: 'ok', body: concatBytes(chunks, size) };
  } catch {
    return await cancelled(reader, { kind: 'unreadable' });
  } finally {
    clearTimeout(timer);
    limits.budget.give(taken);
  }
}

async function cancelled<T>(reader: ReadableStreamDefaultReader<Uint8Array>, result: T): Promise<T> {
  await reader.cancel().catch(() => {});
  return result;
}
