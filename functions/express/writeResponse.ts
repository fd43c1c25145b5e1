import type { ServerResponse } from 'node:http';
import { untouchedNodeBody } from '../node/nodeAnswer.ts';

/**
 * Writes a Fetch `Response` to a Node response: status, headers (every `Set-Cookie` on its own
 * line) and the body, streamed. When the body is still the untouched Node stream of an upstream
 * answer (nodeAnswer.ts) it is piped directly: no web stream is made at all on the hot path.
 */
export async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  // One flat [name, value, ...] list: Headers iteration already yields each Set-Cookie on its
  // own, and Node writes a raw list as given, so no object and no getSetCookie() pass per answer.
  const headers: string[] = [];
  for (const [name, value] of response.headers) headers.push(name, value);
  res.writeHead(response.status, response.statusText || undefined, headers);
  // Asked before `.body`, which would make the web stream this skips.
  const raw = untouchedNodeBody(response);
  if (raw) {
    await new Promise<void>((resolve) => {
      raw.on('error', () => res.destroy());
      raw.on('aborted', () => res.destroy());
      res.on('close', () => {
        if (!res.writableFinished) raw.destroy();
        resolve();
      });
      raw.pipe(res);
    });
    return;
  }
  const body = response.body;
  if (!body) {
    res.end();
    return;
  }
  const reader = body.getReader();
  // One close listener for the whole body: a slow reader makes many backpressure waits, and a
  // listener per wait would pile up (MaxListenersExceededWarning on a 20 MB answer).
  let wake: (() => void) | undefined;
  res.on('close', () => {
    if (!res.writableFinished) reader.cancel().catch(() => {});
    wake?.();
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value) && !res.destroyed) await drained(res, (resolve) => (wake = resolve));
      if (res.destroyed) break;
    }
    res.end();
  } catch {
    // The provider broke mid-body: the status is already sent, so all we can do is cut the connection.
    res.destroy();
  }
}

/** Resolves on `drain`, or when the response closes (through `onClose`, fired by the one close listener). */
function drained(res: ServerResponse, onClose: (resolve: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      onClose(() => {});
      resolve();
    };
    res.once('drain', done);
    onClose(done);
  });
}
