import type { Readable } from 'node:stream';
import { NodeAnswer } from './nodeAnswer.ts';

const NULL_BODY_STATUS = new Set([204, 205, 304]);

/**
 * A provider's answer as the core takes it, from what a Node HTTP client received: a HEAD or a
 * 204/205/304 has no body (the stream is drained so the socket is reused); any other keeps its
 * Node stream until someone reads it (nodeAnswer.ts), so the Express adapter can pipe it.
 *
 * @throws TypeError when the status or status text cannot be a Fetch Response's
 * @example
 * resolve(upstreamAnswer(method, incoming.statusCode, incoming.statusMessage, headers, incoming));
 */
export function upstreamAnswer(method: string, status: number, statusText: string | undefined, headers: Headers, body: Readable): Response {
  const init = { status, statusText: safeStatusText(statusText), headers };
  if (method === 'HEAD' || NULL_BODY_STATUS.has(status)) {
    body.resume();
    return new Response(null, init);
  }
  return new NodeAnswer(body, init);
}

/** A status text with what a header may not hold is dropped (a Response would throw on it). */
function safeStatusText(text: string | undefined): string {
  return text && /^[\t\x20-\x7e\x80-\xff]*$/.test(text) ? text : '';
}
