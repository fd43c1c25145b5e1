import type { FallbackOn } from './parseConfig.ts';
import type { AttemptOutcome } from './types.ts';

/** What to do after an attempt. */
export type FallbackDecision =
  /** Use this attempt's answer. */
  | 'answer'
  /** Discard it and try the next provider. */
  | 'next'
  /** Stop here without trying anyone else (a write that may have reached the provider, a client gone). */
  | 'stop';

/** Everything the decision depends on: one attempt's result and the route's policy. */
export interface FallbackInput {
  outcome: AttemptOutcome;
  status?: number;
  method: string;
  /** The attempt failed before the request left (connection refused, DNS). */
  notSent: boolean;
  fallbackOn: FallbackOn;
  idempotentOnly: boolean;
}

/** Methods that are not idempotent: replaying them may apply a write twice. */
const NON_IDEMPOTENT = new Set(['POST', 'PATCH']);

/** `true` when a status is listed in `fallback_on`, by code or by class. */
export function isFallbackStatus(status: number, fallbackOn: FallbackOn): boolean {
  return fallbackOn.codes.has(status) || fallbackOn.classes.has(Math.floor(status / 100));
}

/**
 * Should the router try the next provider? A pure function, checked in a fixed order:
 *
 * 1. The client went away: stop, nobody is listening.
 * 2. A status not in `fallback_on` (2xx, 3xx, 400, 401, 403, 409, 422, 429 ... by default) is the answer.
 * 3. Under `idempotent_only`, a POST/PATCH that may have reached the provider (it answered, timed
 *    out, or the connection broke after sending) must not be replayed: stop with what we have.
 * 4. Anything else (a status in `fallback_on`, a timeout, a connection error) tries the next one.
 */
export function decideFallback(input: FallbackInput): FallbackDecision {
  if (input.outcome === 'aborted') return 'stop';
  if (input.outcome === 'status' && !isFallbackStatus(input.status!, input.fallbackOn)) return 'answer';
  if (input.idempotentOnly && NON_IDEMPOTENT.has(input.method) && !input.notSent) return 'stop';
  return 'next';
}

/** Error codes meaning the request never left this machine: safe to replay anywhere. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_INVALID_URL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** `true` when a transport error says the request was never sent (see `UpstreamFetch`). */
export function wasNotSent(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const err = e as { notSent?: boolean; code?: string };
    if (err.notSent === true) return true;
    if (typeof err.code === 'string' && NOT_SENT_CODES.has(err.code)) return true;
  }
  return false;
}
