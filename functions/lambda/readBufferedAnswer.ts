import { readCapped } from '../../shared/readCapped.ts';

/** The provider's body broke off before it was whole. */
export class UpstreamBodyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UpstreamBodyError';
  }
}

/**
 * Reads an answer body whole for a BUFFERED Function URL (SPEC 3.7), counting while it reads: past
 * `limit` bytes it gives up at once and cancels the stream (which closes the provider's
 * connection), so memory stays bounded whatever the provider sends.
 *
 * @returns the bytes, or `'too-large'` once the body crossed `limit`
 * @throws {UpstreamBodyError} when the body breaks off (socket closed mid-body)
 * @example
 * const bytes = await readBufferedAnswer(response.body, MAX_BUFFERED_BODY_BYTES);
 * if (bytes === 'too-large') return tooLarge();
 */
export async function readBufferedAnswer(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array | 'too-large'> {
  try {
    return (await readCapped(stream, limit)) ?? 'too-large';
  } catch (error) {
    throw new UpstreamBodyError('provider body broke off before it was whole', { cause: error });
  }
}
