import { LazyBodyAnswer } from '../node/lazyBodyAnswer.ts';

/**
 * The chosen answer once the Lambda's `settle` hook read it whole (settleBufferedAnswer.ts): a
 * Response over those bytes whose web stream is made only if something reads `.body` (the edge
 * cache branching it). `createResult` takes the bytes as they are instead of reading them back.
 *
 * @example
 * const settled = new SettledAnswer(bytes, { status: 200, headers: response.headers });
 * settled.settledBytes(); // bytes, until someone reads the body
 */
export class SettledAnswer extends LazyBodyAnswer {
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array, init: ResponseInit) {
    super(init);
    this.#bytes = bytes;
  }

  /** The bytes read, or `undefined` once the body was read through the Fetch API (it is then used up). */
  settledBytes(): Uint8Array | undefined {
    return this.bodyUsed ? undefined : this.#bytes;
  }

  protected override makeBody(): ReadableStream<Uint8Array<ArrayBuffer>> {
    // The Response constructor copies the bytes, so a reader cannot detach the ones kept here.
    return new Response(this.#bytes as Uint8Array<ArrayBuffer>).body!;
  }
}
