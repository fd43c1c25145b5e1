import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { readBufferedAnswer, UpstreamBodyError } from './readBufferedAnswer.ts';
import { SettledAnswer } from './settledAnswer.ts';

/**
 * Largest body a BUFFERED Function URL can return: the 6 MB invocation payload limit, minus room
 * for the status, headers and JSON framing.
 */
export const MAX_BUFFERED_BODY_BYTES = 6 * 1024 * 1024 - 64 * 1024;

/** Content types whose bytes are sent as text when they are valid UTF-8 (smaller than base64, readable in logs). */
const TEXTUAL = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded|problem\+json|ld\+json)|[^;]*\+(json|xml))/i;

/**
 * Converts the router's `Response` into a Function URL (BUFFERED) result.
 *
 * - Every `Set-Cookie` goes to `cookies` (Function URLs would otherwise fold them into one header,
 *   which browsers cannot split); other headers keep the Fetch API's comma-joined form.
 * - Text bodies are returned as text; anything else (images, gzip-encoded bodies, invalid UTF-8)
 *   as base64 with `isBase64Encoded: true`.
 * - A HEAD answer has no body, whatever the provider sent.
 * - A body too large for a buffered answer becomes 502 JSON naming the limit instead of a
 *   Lambda-level failure; it is counted while read and given up at the limit (memory stays bounded).
 * - A body that breaks off before it is whole becomes 502 JSON (nothing was sent yet).
 *
 * @example
 * return createResult(await router.fetch(request), request.method);
 */
export async function createResult(response: Response, method = 'GET'): Promise<APIGatewayProxyStructuredResultV2> {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') headers[name] = value;
  }
  const cookies = response.headers.getSetCookie();
  const result: APIGatewayProxyStructuredResultV2 = { statusCode: response.status, headers };
  if (cookies.length > 0) result.cookies = cookies;

  // The bytes the router's `settle` hook read (settledAnswer.ts), taken before `.body`, which would
  // make the web stream they spare; a Response made after settling (the edge cache branched it) is read.
  const settled = response instanceof SettledAnswer ? response.settledBytes() : undefined;
  if (method.toUpperCase() === 'HEAD' || (settled === undefined && response.body === null)) {
    await response.body?.cancel();
    result.body = '';
    result.isBase64Encoded = false;
    return result;
  }

  // Counted while read and given up past the limit: a large answer never sits whole in memory.
  let bytes: Uint8Array;
  try {
    const read = settled ?? (await readBufferedAnswer(response.body!, MAX_BUFFERED_BODY_BYTES));
    if (read === 'too-large') return tooLarge();
    bytes = read;
  } catch (error) {
    if (error instanceof UpstreamBodyError) return brokeOff();
    throw error;
  }
  const text = asText(bytes, response.headers);
  if (text !== undefined) {
    result.body = text;
    result.isBase64Encoded = false;
  } else {
    result.body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    result.isBase64Encoded = true;
    if (result.body.length > MAX_BUFFERED_BODY_BYTES) return tooLarge();
  }
  return result;
}

/** The body as a string when it is textual, not content-encoded and valid UTF-8; else `undefined`. */
function asText(bytes: Uint8Array, headers: Headers): string | undefined {
  const encoding = headers.get('content-encoding');
  if (encoding !== null && encoding !== 'identity') return undefined;
  if (!TEXTUAL.test(headers.get('content-type') ?? '')) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Nothing was sent yet, so a body that broke off is a bad gateway, not an internal error. */
function brokeOff(): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 502,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify({ error: 'the provider answer broke off before it was whole' }),
    isBase64Encoded: false,
  };
}

function tooLarge(): APIGatewayProxyStructuredResultV2 {
  const error = `answer is larger than a BUFFERED Function URL can return (limit ${MAX_BUFFERED_BODY_BYTES} bytes)`;
  return {
    statusCode: 502,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error, limit_bytes: MAX_BUFFERED_BODY_BYTES }),
    isBase64Encoded: false,
  };
}
