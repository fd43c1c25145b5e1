import type { ServerResponse } from 'node:http';
import { nodeBodies } from '../node/httpTransport.ts';

/**
 * Writes a Fetch `Response` to a Node response: status, headers (every `Set-Cookie` on its own
 * line) and the body, streamed. When the body is still the untouched Node stream of an upstream
 * answer it is piped directly, which skips the web-stream round trip on the hot path.
 */
export async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie') continue;
    headers[name] = value;
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  res.writeHead(response.status, response.statusText || undefined, headers);
  const body = response.body;
  if (!body) {
    res.end();
    return;
  }
  const raw = nodeBodies.get(body);
  if (raw && !body.locked) {
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
  const reader = body.getReader();
  res.on('close', () => {
    if (!res.writableFinished) reader.cancel().catch(() => {});
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise<void>((resolve) => res.once('drain', resolve).once('close', resolve));
      if (res.destroyed) break;
    }
    res.end();
  } catch {
    // The provider broke mid-body: the status is already sent, so all we can do is cut the connection.
    res.destroy();
  }
}
