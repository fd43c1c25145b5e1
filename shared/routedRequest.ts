import { HEADER } from './defaults.ts';
import { jsonResponse } from './jsonResponse.ts';
import type { RouteConfigSnapshot, RouteSettings } from './parseConfig.ts';
import { serverTiming } from './serverTiming.ts';
import type { AttemptRecord, RequestLogEntry, RouterContext } from './types.ts';

/** What a routed request needs from its router: clocks and where its one log line goes. */
export interface RequestDeps {
  /** Monotonic clock, ms. */
  now(): number;
  /** Wall clock, ms. */
  wallNow(): number;
  /** Receives the one log line of the request (SPEC 8). */
  emit(entry: RequestLogEntry): void;
  runtime: string | undefined;
}

/** How a request ended, beyond its status, for the log line. */
export interface Ending {
  cache?: RequestLogEntry['cache'];
  drained?: true;
}

/**
 * One routed request from arrival to answer: what it is (app, method, id, config, the route's
 * settings), what happened (its attempts), and the two ways it ends, {@link RoutedRequest.done}
 * with any answer and {@link RoutedRequest.fail} with a router-made error. Each writes the one log
 * line and the request id, so no path can forget them.
 */
export class RoutedRequest {
  readonly attempts: AttemptRecord[] = [];
  readonly method: string;
  readonly requestId: string;
  readonly started: number;
  readonly settings: RouteSettings;
  readonly request: Request;
  readonly url: URL;
  readonly app: string;
  readonly ctx: RouterContext;
  readonly config: RouteConfigSnapshot;
  readonly #deps: RequestDeps;

  constructor(request: Request, url: URL, app: string, ctx: RouterContext, config: RouteConfigSnapshot, deps: RequestDeps) {
    this.request = request;
    this.url = url;
    this.app = app;
    this.ctx = ctx;
    this.config = config;
    this.#deps = deps;
    this.started = deps.now();
    this.method = request.method.toUpperCase();
    this.requestId = request.headers.get(HEADER.requestId) || crypto.randomUUID();
    this.settings = config.routes.get(app) ?? config.unlisted;
  }

  /** Milliseconds left of the request's `deadline_ms`. */
  remainingMs(): number {
    return this.started + this.settings.deadlineMs - this.#deps.now();
  }

  /** Ends the request with `response` (from `provider`, `null` for router-made): logs it, tags it. */
  done(response: Response, provider: string | null, ending: Ending = {}): Response {
    this.#deps.emit(this.#logEntry(response.status, provider, ending));
    response.headers.set(HEADER.requestId, this.requestId);
    return response;
  }

  /** Ends the request with a router-made JSON error listing every attempt (SPEC 3.7). */
  fail(status: number, error: string, extra: Record<string, unknown> = {}, headers: [string, string][] = []): Response {
    const attempts = this.attempts.map(({ provider, outcome, status: s, ms }) => ({ provider, outcome, ...(s ? { status: s } : {}), ms }));
    const body = { error, app: this.app, ...extra, attempts };
    return this.done(jsonResponse(status, body, [...attemptHeaders(this.attempts), ...headers]), null);
  }

  #logEntry(status: number, provider: string | null, ending: Ending): RequestLogEntry {
    const several = this.attempts.length > 1;
    return {
      level: status >= 500 ? 'error' : several || status >= 400 ? 'warn' : 'info',
      msg: 'routed',
      time: new Date(this.#deps.wallNow()).toISOString(),
      request_id: this.requestId,
      app: this.app,
      method: this.method,
      path: this.url.pathname,
      attempts: this.attempts,
      provider,
      status,
      ...(ending.cache ? { cache: ending.cache } : {}),
      ...(ending.drained ? { drained: true as const } : {}),
      ms: Math.round((this.#deps.now() - this.started) * 10) / 10,
      config_version: this.config.version,
      ...(this.#deps.runtime ? { runtime: this.#deps.runtime } : {}),
    };
  }
}

/**
 * `X-Route-Attempts` and one `Server-Timing` entry per attempt (SPEC 3.6), followed by the
 * provider's own `Server-Timing` when it sent one.
 */
export function attemptHeaders(attempts: readonly AttemptRecord[], upstreamTiming?: string | null): [string, string][] {
  const timing = serverTiming(attempts);
  const headers: [string, string][] = [[HEADER.attempts, String(attempts.length)]];
  const combined = [timing, upstreamTiming].filter(Boolean).join(', ');
  if (combined) headers.push(['server-timing', combined]);
  return headers;
}
