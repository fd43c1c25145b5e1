import { declaredLength } from './declaredLength.ts';
import { readCapped } from './readCapped.ts';

/**
 * Reads an answer body to the end for the cache, and returns it only when it arrived whole (SPEC 6):
 * no stream error, no more than `cap` bytes, and exactly its declared `Content-Length` when it has
 * one. `undefined` otherwise: a body that broke off, or ended short, is never stored.
 *
 * @param contentLength - the answer's `Content-Length` header (`null` when absent)
 * @example
 * await readWhole(response.body, response.headers.get('content-length'), 16 * 1024 * 1024);
 */
export async function readWhole(
  stream: ReadableStream<Uint8Array> | null,
  contentLength: string | null,
  cap: number,
): Promise<Uint8Array | undefined> {
  const declared = declaredLength(contentLength);
  if (declared === undefined) return undefined;
  let bytes: Uint8Array | undefined;
  try {
    bytes = stream ? await readCapped(stream, cap) : new Uint8Array(0);
  } catch {
    return undefined;
  }
  if (bytes === undefined) return undefined;
  return declared === null || bytes.byteLength === declared ? bytes : undefined;
}
