import { AttemptTimeoutError, ClientAbortError } from './errors.ts';
import { wasNotSent } from './fallbackPolicy.ts';
import type { AttemptRecord } from './types.ts';

/** The result of one attempt. */
export interface AttemptResult {
  record: AttemptRecord;
  /** Present when the provider answered with a status. */
  response?: Response;
  /** The attempt failed before the request left (safe to replay a write). */
  notSent: boolean;
  /** Aborts the attempt's connection (used to drop a response that is not used). */
  abort(): void;
}

/**
 * Runs one attempt with its own timeout (to response headers) and the client's signal. On timeout
 * or client abort the attempt is aborted, not abandoned: the signal reaches the transport, which
 * closes the connection, and a late answer is cancelled. Once headers are in, only the client's
 * signal stays attached, so a client that goes away still stops the body stream.
 */
export async function runAttempt(
  provider: string,
  send: (signal: AbortSignal) => Promise<Response>,
  timeoutMs: number,
  clientSignal: AbortSignal | undefined,
  now: () => number,
): Promise<AttemptResult> {
  const controller = new AbortController();
  const started = now();
  let timedOut = false;
  const onClientAbort = () => controller.abort(new ClientAbortError());
  clientSignal?.addEventListener('abort', onClientAbort, { once: true });
  if (clientSignal?.aborted) onClientAbort();
  const timer = setTimeout(
    () => {
      timedOut = true;
      controller.abort(new AttemptTimeoutError(timeoutMs));
    },
    Math.max(0, timeoutMs),
  );
  const abort = () => controller.abort();
  const ms = () => Math.round((now() - started) * 10) / 10;

  const sending = send(controller.signal);
  try {
    const response = await Promise.race([sending, aborted(controller.signal)]);
    clearTimeout(timer);
    return { record: { provider, outcome: 'status', status: response.status, ms: ms() }, response, notSent: false, abort };
  } catch (error) {
    clearTimeout(timer);
    clientSignal?.removeEventListener('abort', onClientAbort);
    // A handler that ignored the signal may still answer later: drop that answer.
    sending.then(
      (late) => late.body?.cancel().catch(() => {}),
      () => {},
    );
    const outcome = timedOut ? 'timeout' : clientSignal?.aborted ? 'aborted' : 'error';
    return {
      record: { provider, outcome, ms: ms() },
      notSent: outcome === 'error' && wasNotSent(error),
      abort,
    };
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
