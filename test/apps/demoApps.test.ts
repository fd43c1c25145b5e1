import { describe, expect, it } from 'vitest';
import { apps } from '../../apps/index.ts';
import { PARTIES } from '../../apps/watchparty.ts';
import { checkAppRegistry } from '../../shared/index.ts';

const env = { ROUTE_SELF: '1', ROUTE_RUNTIME: 'express' };
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} };

async function call(app: string, method: string, path: string, body?: unknown) {
  const init: RequestInit = { method, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) };
  const response = await apps[app].fetch(new Request(`http://router.test${path}`, init), env, ctx);
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

describe('the app registry', () => {
  it('names task and watchparty, and passes the check every adapter runs', () => {
    expect(Object.keys(apps)).toEqual(['task', 'watchparty']);
    expect(() => checkAppRegistry(apps)).not.toThrow();
  });
});

describe('App: task', () => {
  it('creates, reads, updates and deletes a task, each answer saying which deployment served it', async () => {
    const created = await call('task', 'POST', '/task/api/tasks', { title: '  buy milk ' });
    expect(created.status).toBe(201);
    const task = created.json!.task as { id: number; title: string; done: boolean };
    expect(task).toMatchObject({ title: 'buy milk', done: false });
    expect(created.headers.get('location')).toBe(`/task/api/tasks/${task.id}`);
    expect(created.json).toMatchObject({ provider: '1', runtime: 'express' });
    expect((await call('task', 'GET', `/task/api/tasks/${task.id}`)).json!.task).toEqual(created.json!.task);
    const patched = await call('task', 'PATCH', `/task/api/tasks/${task.id}`, { done: true });
    expect(patched.json!.task).toMatchObject({ id: task.id, done: true, title: 'buy milk' });
    expect((await call('task', 'GET', '/task/api/tasks')).json!.tasks).toContainEqual(patched.json!.task);
    expect((await call('task', 'DELETE', `/task/api/tasks/${task.id}`)).status).toBe(204);
    expect((await call('task', 'GET', `/task/api/tasks/${task.id}`)).status).toBe(404);
  });

  it.each([
    ['not JSON', 'POST', '/task/api/tasks', '{title', 400, 'body: not valid JSON'],
    ['an array', 'POST', '/task/api/tasks', [], 422, 'body: must be a JSON object'],
    ['no title', 'POST', '/task/api/tasks', {}, 422, 'title: required, a non-empty string'],
    ['a blank title', 'POST', '/task/api/tasks', { title: '   ' }, 422, 'title: required, a non-empty string'],
    ['a numeric title', 'POST', '/task/api/tasks', { title: 7 }, 422, 'title: required, a non-empty string'],
    ['a long title', 'POST', '/task/api/tasks', { title: 'x'.repeat(201) }, 422, 'title: at most 200 characters (got 201)'],
    ['done not boolean', 'POST', '/task/api/tasks', { title: 'a', done: 'yes' }, 422, 'done: must be true or false'],
    ['an unknown field', 'POST', '/task/api/tasks', { title: 'a', owner: 'me' }, 422, 'owner: unknown field (allowed: title, done)'],
  ])('rejects %s with a 4xx naming the field', async (_what, method, path, body, status, message) => {
    const answer = await call('task', method, path, body);
    expect(answer.status).toBe(status);
    const said = [answer.json!.error, ...((answer.json!.errors as string[] | undefined) ?? [])];
    expect(said).toContain(message);
  });

  it.each([
    ['an unknown task', 'GET', '/task/api/tasks/999999', 404],
    ['an unknown endpoint', 'GET', '/task/api/nope', 404],
    ['PUT on the list', 'PUT', '/task/api/tasks', 405],
    ['POST on the root', 'POST', '/task/api', 405],
  ])('answers %s with %i', async (_what, method, path, status) => {
    expect((await call('task', method, path)).status).toBe(status);
  });

  it('says 405 with the methods it takes', async () => {
    expect((await call('task', 'PUT', '/task/api/tasks')).headers.get('allow')).toBe('GET, POST');
  });
});

describe('App: watchparty', () => {
  it('lists the parties and one by id, cacheable', async () => {
    const list = await call('watchparty', 'GET', '/watchparty/api/parties');
    expect(list.json!.parties).toEqual(PARTIES);
    expect(list.headers.get('cache-control')).toBe('public, max-age=60');
    expect((await call('watchparty', 'GET', '/watchparty/api/parties/finale')).json!.party).toEqual(PARTIES[2]);
  });

  it.each([
    ['an unknown party', 'GET', '/watchparty/api/parties/nope', 404],
    ['a write', 'POST', '/watchparty/api/parties', 405],
    ['the clock', 'GET', '/watchparty/api/now', 200],
    ['its health', 'GET', '/watchparty/api/health', 200],
  ])('answers %s with %i', async (_what, method, path, status) => {
    expect((await call('watchparty', method, path)).status).toBe(status);
  });
});
