/**
 * The `watchparty` demo app: a read-only API over a fixed schedule of watch parties, the kind of
 * answer the edge cache is for (`route-config.json` caches it). Runtime-neutral like every app;
 * each answer says which deployment served it.
 *
 * | request | answer |
 * |---|---|
 * | `GET /watchparty/api` | what this app is and which deployment answered |
 * | `GET /watchparty/api/health` | `{"status":"ok"}` |
 * | `GET /watchparty/api/parties` | every party |
 * | `GET /watchparty/api/parties/<id>` | one party; 404 unknown id |
 * | `GET /watchparty/api/now` | the deployment's clock (shows when an answer came from the cache) |
 */
import type { AppModule } from '../shared/index.ts';
import { json, methodNotAllowed, subPath } from './appKit.ts';

/** One scheduled watch party. */
export interface Party {
  id: string;
  title: string;
  starts_at: string;
  room: string;
}

/** The schedule every copy serves (fixed, so all deployments answer alike). */
export const PARTIES: readonly Party[] = [
  { id: 'kickoff', title: 'Season kickoff', starts_at: '2026-12-05T19:00:00Z', room: 'main' },
  { id: 'classics', title: 'Classics night', starts_at: '2026-12-12T20:00:00Z', room: 'blue' },
  { id: 'finale', title: 'Season finale', starts_at: '2026-12-19T19:30:00Z', room: 'main' },
];

/** The watchparty app: `export default` shape of a Worker module or a Hono app. */
export const watchpartyApp: AppModule = {
  fetch(request, env) {
    if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed(env, ['GET', 'HEAD']);
    const path = subPath(request, 'watchparty');
    if (path === '') return json(env, 200, { app: 'watchparty', endpoints: ['/watchparty/api/parties', '/watchparty/api/now'] });
    if (path === '/health') return json(env, 200, { status: 'ok', app: 'watchparty' });
    if (path === '/now') return json(env, 200, { now: new Date().toISOString() });
    if (path === '/parties') return json(env, 200, { parties: PARTIES }, { 'cache-control': 'public, max-age=60' });
    const id = /^\/parties\/([a-z0-9-]{1,40})$/.exec(path)?.[1];
    const party = PARTIES.find((p) => p.id === id);
    if (party) return json(env, 200, { party }, { 'cache-control': 'public, max-age=60' });
    return json(env, 404, { error: `no party or endpoint at ${new URL(request.url).pathname}` });
  },
};

export default watchpartyApp;
