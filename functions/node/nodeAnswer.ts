import { Readable } from 'node:stream';
import { lazyWebStream } from './lazyWebStream.ts';

/**
 * A provider's answer whose body is still the Node stream it arrived on. It is a real `Response`
 * (status, mutable headers, `instanceof Response`), but its web `ReadableStream` is only made
 * when someone reads `.body` or a body method: in Node, making one costs about as much as the
 * whole fallback core (~15 us), and on the proxy path nobody needs it, since
 * {@link untouchedNodeBody} lets the Express adapter pipe the Node stream straight to its client.
 * The edge cache (which branches the body) and the Lambda (which reads it whole) go through
 * `.body` as with any other Response.
 *
 * @example
 * request.on('response', (incoming) => resolve(new NodeAnswer(incoming, { status: incoming.statusCode, headers })));
 */
export class NodeAnswer extends Response {
  /** The provider's answer until `.body` is made from it (then `undefined`: the web stream owns it). */
  #source: Readable | undefined;
  #body: ReadableStream<Uint8Array<ArrayBuffer>> | undefined;

  constructor(source: Readable, init: ResponseInit) {
    // No body here: it is the Node stream, made a web stream only on demand.
    super(null, init);
    this.#source = source;
  }

  /** The Node stream, once: `undefined` when `.body` was made or the stream was already taken. */
  takeSource(): Readable | undefined {
    const source = this.#source;
    this.#source = undefined;
    return source;
  }

  /** The body as a web stream, made on first access; cancelling it destroys the provider's answer. */
  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> {
    if (this.#body === undefined) {
      const source = this.#source;
      // Taken by an adapter already: what is left to read is nothing.
      const stream = source ? lazyWebStream(source, (s) => s.destroy()) : new ReadableStream({ start: (c) => c.close() });
      this.#body = stream as ReadableStream<Uint8Array<ArrayBuffer>>;
      this.#source = undefined;
    }
    return this.#body;
  }

  override get bodyUsed(): boolean {
    // Node's isDisturbed reads web streams too; its types only name Node streams.
    return this.#body !== undefined && Readable.isDisturbed(this.#body as unknown as Readable);
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#whole().arrayBuffer();
  }

  override async blob(): Promise<Blob> {
    return this.#whole().blob();
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#whole().bytes();
  }

  override async formData(): Promise<FormData> {
    return this.#whole().formData();
  }

  override async json(): Promise<unknown> {
    return this.#whole().json();
  }

  override async text(): Promise<string> {
    return this.#whole().text();
  }

  override clone(): Response {
    if (this.bodyUsed) throw new TypeError('Response.clone: the body has already been read');
    const [mine, theirs] = this.body.tee();
    this.#body = mine;
    return new Response(theirs, { status: this.status, statusText: this.statusText, headers: new Headers(this.headers) });
  }

  /** A plain Response over the same body, to read it with Fetch's own methods (a read body throws, as Fetch's does). */
  #whole(): Response {
    return new Response(this.body, { headers: this.headers });
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
