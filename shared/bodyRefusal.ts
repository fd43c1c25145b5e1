import { BodyBudget } from './bodyBudget.ts';
import type { RouteConfigSnapshot, RouteSettings } from './parseConfig.ts';
import type { BodyLimits, BodyRead } from './readRequestBody.ts';
import { declaredLength } from './declaredLength.ts';

/**
 * The budget of request-body bytes being received, one per process (or isolate): memory is a
 * process's, so every router in it shares one cap.
 */
export const processBodyBudget = new BodyBudget();

/** Seconds a client told "busy" (503) is asked to wait: about one slow upload's worth. */
export const BODY_BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * The limits of one request's body read: the route's `max_body_bytes`, the declared
 * `Content-Length`, the process budget under `max_buffered_body_bytes`, and what is left of the
 * request's deadline.
 *
 * @example
 * const read = await readRequestBody(request.body, bodyLimits(request.headers, settings, config, deadlineAt - now()));
 */
export function bodyLimits(headers: Headers, settings: RouteSettings, config: RouteConfigSnapshot, timeoutMs: number): BodyLimits {
  const declared = declaredLength(headers.get('content-length')) ?? null;
  return { maxBytes: settings.maxBodyBytes, declared, budget: processBodyBudget, budgetCap: config.maxBufferedBodyBytes, timeoutMs };
}

/** A router-made answer to a body that could not be buffered. */
export interface BodyRefusal {
  status: number;
  error: string;
  /** Fields added to the JSON body (the limit concerned). */
  extra: Record<string, unknown>;
  /** Headers added to the answer. */
  headers: [string, string][];
}

/**
 * What to answer when a body read did not end whole (SPEC 3.0, `max_body_bytes`,
 * `max_buffered_body_bytes`): 413 too large, 503 + `Retry-After` when the process budget is full,
 * 408 + `Connection: close` when the deadline came first (the rest of the upload is not wanted),
 * 400 when the stream broke.
 *
 * @example
 * bodyRefusal('timeout', settings, config); // { status: 408, error: 'request body not received within deadline_ms', ... }
 */
export function bodyRefusal(kind: Exclude<BodyRead['kind'], 'ok'>, settings: RouteSettings, config: RouteConfigSnapshot): BodyRefusal {
  switch (kind) {
    case 'too-large':
      return { status: 413, error: 'request body too large', extra: { max_body_bytes: settings.maxBodyBytes }, headers: [] };
    case 'busy':
      return {
        status: 503,
        error: 'too many request bodies in flight: try again shortly',
        extra: { max_buffered_body_bytes: config.maxBufferedBodyBytes },
        // No Connection: close here: closing while the client is still sending resets the
        // connection and loses this answer; the server discards the rest unbuffered instead.
        headers: [['retry-after', String(BODY_BUSY_RETRY_AFTER_SECONDS)]],
      };
    case 'timeout':
      return {
        status: 408,
        error: 'request body not received within deadline_ms',
        extra: { deadline_ms: settings.deadlineMs },
        headers: [['connection', 'close']],
      };
    default:
      return { status: 400, error: 'request body could not be read', extra: {}, headers: [] };
  }
}
