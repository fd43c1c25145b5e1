import type { Readable } from 'node:stream';
import { LazyBodyAnswer } from './lazyBodyAnswer.ts';
import { lazyWebStream } from './lazyWebStream.ts';

/**
 * A provider's answer whose body is still the Node stream it arrived on, made a web stream only
 * when someone reads `.body` ({@link LazyBodyAnswer}). On the proxy path nobody does:
 * {@link untouchedNodeBody} lets the Express adapter pipe the Node stream straight to its client.
 * The edge cache (which branches the body) and the Lambda (which reads it whole) go through
 * `.body` as with any other Response.
 *
 * @example
 * request.on('response', (incoming) => resolve(new NodeAnswer(incoming, { status: incoming.statusCode, headers })));
 */
export class NodeAnswer extends LazyBodyAnswer {
  /** The provider's answer until `.body` is made from it (then `undefined`: the web stream owns it). */
  #source: Readable | undefined;

  constructor(source: Readable, init: ResponseInit) {
    super(init);
    this.#source = source;
  }

  /** The Node stream, once: `undefined` when `.body` was made or the stream was already taken. */
  takeSource(): Readable | undefined {
    const source = this.#source;
    this.#source = undefined;
    return source;
  }

  /** Cancelling the web stream destroys the provider's answer. */
  protected override makeBody(): ReadableStream<Uint8Array<ArrayBuffer>> {
    const source = this.takeSource();
    // Taken by an adapter already: what is left to read is nothing.
    const stream = source ? lazyWebStream(source, (s) => s.destroy()) : new ReadableStream({ start: (c) => c.close() });
    return stream as ReadableStream<Uint8Array<ArrayBuffer>>;
  }
}

/**
 * The provider's Node stream behind `response`, when nobody has made or read its web body: the
 * caller then owns it (pipe it, or destroy it) and the Response's `.body` reads as empty.
 *
 * @example
 * const raw = untouchedNodeBody(response);
 * if (raw) raw.pipe(res);
 */
export function untouchedNodeBody(response: Response): Readable | undefined {
  return response instanceof NodeAnswer ? response.takeSource() : undefined;
}
