import type { Readable } from 'node:stream';

/**
 * Reads a provider's Node body whole unless it grows past `cap` bytes; then destroys it (closing
 * the provider's connection) and resolves `undefined`, so an oversized body is never held in
 * memory. The Node twin of `shared/readCapped.ts`, for a body no web stream was made for
 * (nodeAnswer.ts): reading it costs no `ReadableStream`.
 *
 * @throws the stream's error, or `Error('connection closed mid-body')`, when it ends before it is whole
 * @example
 * const raw = untouchedNodeBody(response);
 * const bytes = raw ? await readNodeBody(raw, 6 * 1024 * 1024) : undefined;
 */
export function readNodeBody(source: Readable, cap: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    source.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= cap) return void chunks.push(chunk);
      source.destroy();
      resolve(undefined);
    });
    source.once('end', () => {
      ended = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    source.once('error', reject);
    // A socket that closes before the last byte: `close` without `end` (also after `aborted`). The
    // Error is made only then: `close` follows every `end`, and a stack trace per answer was 3% of
    // a Lambda invocation's CPU.
    source.once('close', () => {
      if (!ended) reject(new Error('connection closed mid-body'));
    });
  });
}
