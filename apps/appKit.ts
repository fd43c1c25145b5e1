/**
 * Small helpers the demo apps share. Runtime-neutral on purpose (Fetch API only, no `node:*`,
 * `express`, `aws-lambda` or `cloudflare:*`): the same app code runs in the Express router, the
 * Worker and the Lambda.
 */
import type { AppEnv } from '../shared/index.ts';

/** Which deployment answered: the provider id (`ROUTE_SELF`) and the runtime name. */
export interface ServedBy {
  provider: string | null;
  runtime: string | null;
}

/** The deployment an answer came from, so a client can see parity across runtimes. */
export function servedBy(env: AppEnv): ServedBy {
  return { provider: env.ROUTE_SELF ?? null, runtime: env.ROUTE_RUNTIME ?? null };
}

/**
 * A JSON answer that says which deployment served it.
 *
 * @example
 * return json(env, 201, { task }, { location: '/task/api/tasks/1' });
 */
export function json(env: AppEnv, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ ...body, ...servedBy(env) }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** The path below `/<app>/api`, without a trailing slash: `''`, `'/tasks'`, `'/tasks/7'`. */
export function subPath(request: Request, app: string): string {
  const path = new URL(request.url).pathname;
  const rest = path.slice(`/${app}/api`.length);
  return rest.replace(/\/+$/, '');
}

/** 405 with the methods the endpoint does take. */
export function methodNotAllowed(env: AppEnv, allow: string[]): Response {
  return json(env, 405, { error: `method not allowed (allowed: ${allow.join(', ')})` }, { allow: allow.join(', ') });
}
