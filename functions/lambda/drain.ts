export { isDraining } from '../../shared/index.ts';

/**
 * The drained answer: 503 JSON, without contacting any provider. `Retry-After` tells a client
 * that talks to this deployment directly that the condition is temporary.
 */
export function drainResponse(app: string): Response {
  return Response.json(
    { error: 'draining', app, attempts: [] },
    { status: 503, headers: { 'cache-control': 'no-store', 'retry-after': '30' } },
  );
}
