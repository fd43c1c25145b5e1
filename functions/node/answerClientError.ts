import type { Duplex } from 'node:stream';

/** Status for the errors Node's HTTP parser reports before any request handler runs. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_INVALID_METHOD: 400,
};

/**
 * A `clientError` listener for a Node server: a request Node's parser refuses (unknown method such
 * as `FOO`, malformed header, oversized head, request timeout) gets a JSON answer like every other
 * router-made error, instead of Node's bare `400 Bad Request`, and the connection is closed. Never
 * echoes what the client sent.
 *
 * @example
 * server.on('clientError', answerClientError);
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const status = STATUS_BY_CODE[error.code ?? ''] ?? 400;
  const reason = status === 431 ? 'request headers too large' : status === 408 ? 'request not received in time' : 'malformed request';
  const body = JSON.stringify({ error: reason });
  const text = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `cache-control: no-store\r\nconnection: close\r\n\r\n${body}`,
  );
}
