import type { Readable } from 'node:stream';

/**
 * A web `ReadableStream` over a Node stream that attaches nothing until it is first read
 * (high-water mark 0, so no pull happens on its own). Until then the Node stream is untouched and
 * an adapter may still pipe it directly; once read, it is pulled chunk by chunk with backpressure.
 *
 * @param source - the Node stream (an upstream answer, a client's request body)
 * @param onCancel - what cancelling the web side does to the Node side (destroy a provider's
 *   answer; only pause a client's body, whose socket still carries our response)
 */
export function lazyWebStream(source: Readable, onCancel: (source: Readable) => void): ReadableStream<Uint8Array> {
  let attached = false;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (!attached) {
          attached = true;
          source.on('data', (chunk: Buffer) => {
            try {
              controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
            } catch {
              return; // cancelled meanwhile
            }
            if ((controller.desiredSize ?? 0) <= 0) source.pause();
          });
          source.on('end', () => {
            try {
              controller.close();
            } catch {
              // already cancelled or errored
            }
          });
          source.on('error', (error) => controller.error(error));
          source.on('aborted', () => controller.error(new Error('connection closed mid-body')));
        }
        source.resume();
      },
      cancel() {
        onCancel(source);
      },
    },
    { highWaterMark: 0 },
  );
}
