import { jsonResponse } from './jsonResponse.ts';
import type { AppContext, AppEnv, AppModule, LocalHandler } from './types.ts';

/** What an app failure is reported as, once per failure (a JSON line on the runtime's console). */
export type AppFailureSink = (line: Record<string, unknown>) => void;

const defaultSink: AppFailureSink = (line) => console.error(JSON.stringify(line));

/**
 * Turns a hosted app into the local handler of one attempt. An app that throws, rejects or
 * returns something that is not a `Response` becomes a 500 answer, which the router judges like a
 * provider's 500 (a failure: the next provider is tried); an app that hangs is cut by the
 * attempt's timeout like any provider. Either way the process survives and no stack trace
 * reaches the client.
 *
 * @example
 * const local = appAttempt('task', taskApp, { ROUTE_SELF: '1' }, { waitUntil() {}, passThroughOnException() {}, props: {} });
 * const response = await local(new Request('http://router/task/api/tasks'));
 */
export function appAttempt(name: string, app: AppModule, env: AppEnv, ctx: AppContext, report: AppFailureSink = defaultSink): LocalHandler {
  return async (request) => {
    let answer: unknown;
    try {
      answer = await app.fetch(request, env, ctx);
    } catch (error) {
      if (request.signal.aborted) throw error;
      return failed(name, `threw ${(error as Error)?.name ?? typeof error}`, report);
    }
    if (!isResponse(answer)) return failed(name, `returned ${describe(answer)} instead of a Response`, report);
    return answer;
  };
}

function failed(app: string, what: string, report: AppFailureSink): Response {
  try {
    report({ level: 'error', msg: 'app_failed', app, reason: what });
  } catch {
    // A broken sink must not turn an app failure into a router failure.
  }
  return jsonResponse(500, { error: `app ${app} failed: it ${what}`, app });
}

// `instanceof` alone fails across realms (an app bundled with its own Response polyfill).
function isResponse(value: unknown): value is Response {
  if (value instanceof Response) return true;
  const v = value as Partial<Response> | null;
  return typeof v === 'object' && v !== null && typeof v.status === 'number' && typeof v.headers?.get === 'function' && 'body' in v;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'a plain object' : typeof value;
}
