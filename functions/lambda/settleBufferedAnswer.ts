import { MAX_BUFFERED_BODY_BYTES } from './createResult.ts';
import { readBufferedAnswer } from './readBufferedAnswer.ts';

/**
 * The router's `settle` hook on a BUFFERED Function URL (SPEC 3.7): the chosen answer is read
 * whole before it becomes the answer, since nothing reaches the client before the handler
 * returns anyway. A body that breaks off rejects (an `UpstreamBodyError`), which the router
 * judges as a failed attempt and falls over to the next provider; a body past the Function URL's
 * limit is given up at once (memory stays bounded) and answered 502 JSON naming the limit.
 *
 * @example
 * createRouter({ config, fetch, settle: settleBufferedAnswer });
 */
export async function settleBufferedAnswer(response: Response): Promise<Response> {
  if (response.body === null) return response;
  const read = await readBufferedAnswer(response.body, MAX_BUFFERED_BODY_BYTES);
  if (read === 'too-large') {
    const error = `answer is larger than a BUFFERED Function URL can return (limit ${MAX_BUFFERED_BODY_BYTES} bytes)`;
    return Response.json({ error, limit_bytes: MAX_BUFFERED_BODY_BYTES }, { status: 502, headers: { 'cache-control': 'no-store' } });
  }
  return new Response(read as Uint8Array<ArrayBuffer>, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
