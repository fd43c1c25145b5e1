import { Readable } from 'node:stream';

/**
 * A `Response` whose web `ReadableStream` is made only when someone reads `.body` or a body
 * method. It is a real Response (status, mutable headers, `instanceof Response`), but in Node
 * making the stream costs about as much as the whole fallback core (~15 us), and on the hot paths
 * nobody needs it: the Express adapter pipes the provider's Node stream ({@link NodeAnswer}), and
 * the Lambda's result takes the bytes it already read ({@link SettledAnswer}). A subclass says
 * how the stream is made, once.
 */
export abstract class LazyBodyAnswer extends Response {
  #body: ReadableStream<Uint8Array<ArrayBuffer>> | undefined;

  constructor(init: ResponseInit) {
    // No body here: the subclass makes it on demand.
    super(null, init);
  }

  /** Makes the body's web stream; called at most once, on first access. */
  protected abstract makeBody(): ReadableStream<Uint8Array<ArrayBuffer>>;

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> {
    this.#body ??= this.makeBody();
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
