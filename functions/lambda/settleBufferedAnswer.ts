import { untouchedNodeBody } from '../node/nodeAnswer.ts';
import { readNodeBody } from '../node/readNodeBody.ts';
import { MAX_BUFFERED_BODY_BYTES } from './createResult.ts';
import { readBufferedAnswer, UpstreamBodyError } from './readBufferedAnswer.ts';
import { SettledAnswer } from './settledAnswer.ts';

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
  const read = await readWhole(response);
  if (read === null) return response;
  if (read === 'too-large') {
    const error = `answer is larger than a BUFFERED Function URL can return (limit ${MAX_BUFFERED_BODY_BYTES} bytes)`;
    return Response.json({ error, limit_bytes: MAX_BUFFERED_BODY_BYTES }, { status: 502, headers: { 'cache-control': 'no-store' } });
  }
  // createResult takes these bytes as they are, instead of reading them back out of the Response.
  return new SettledAnswer(read, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** The body's bytes (`null`: no body); from the transport's Node stream when no web stream was made of it. */
async function readWhole(response: Response): Promise<Uint8Array | 'too-large' | null> {
  const raw = untouchedNodeBody(response);
  if (raw === undefined) return response.body === null ? null : readBufferedAnswer(response.body, MAX_BUFFERED_BODY_BYTES);
  try {
    return (await readNodeBody(raw, MAX_BUFFERED_BODY_BYTES)) ?? 'too-large';
  } catch (error) {
    throw new UpstreamBodyError('provider body broke off before it was whole', { cause: error });
  }
}
