/**
 * The `task` demo app: a JSON task API with validation and proper 4xx errors. Every deployment
 * (home Express, Worker, Lambda) runs this same code; each keeps its own in-memory list, so the
 * answers show which copy served them (`provider`, `runtime`). A real app would keep its tasks in
 * a store all copies share.
 *
 * | request | answer |
 * |---|---|
 * | `GET /task/api` | what this app is and which deployment answered |
 * | `GET /task/api/health` | `{"status":"ok"}` (what `flip` probes) |
 * | `GET /task/api/tasks` | every task |
 * | `POST /task/api/tasks` `{"title": "...", "done"?: false}` | 201 + the task; 400 bad JSON, 422 invalid fields |
 * | `GET/PATCH/DELETE /task/api/tasks/<id>` | the task / updated / 204; 404 unknown id |
 */
import type { AppEnv, AppModule } from '../shared/index.ts';
import { json, methodNotAllowed, subPath } from './appKit.ts';

/** One task. */
export interface Task {
  id: number;
  title: string;
  done: boolean;
  created_at: string;
}

/** At most this many tasks per copy: a demo must not grow without bound. */
const MAX_TASKS = 1000;
const MAX_TITLE = 200;
const tasks = new Map<number, Task>();
let nextId = 1;

/** The fields a client may send, checked one by one; returns every problem, each naming its field. */
export function taskFieldErrors(input: unknown, partial: boolean): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return ['body: must be a JSON object'];
  const errors: string[] = [];
  const fields = input as Record<string, unknown>;
  for (const key of Object.keys(fields)) if (key !== 'title' && key !== 'done') errors.push(`${key}: unknown field (allowed: title, done)`);
  if ('title' in fields || !partial) {
    const title = fields.title;
    if (typeof title !== 'string' || title.trim() === '') errors.push('title: required, a non-empty string');
    else if (title.length > MAX_TITLE) errors.push(`title: at most ${MAX_TITLE} characters (got ${title.length})`);
  }
  if ('done' in fields && typeof fields.done !== 'boolean') errors.push('done: must be true or false');
  return errors;
}

async function readJson(request: Request): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    return { ok: true, value: JSON.parse(await request.text()) };
  } catch {
    return { ok: false };
  }
}

async function createTask(request: Request, env: AppEnv): Promise<Response> {
  const body = await readJson(request);
  if (!body.ok) return json(env, 400, { error: 'body: not valid JSON' });
  const errors = taskFieldErrors(body.value, false);
  if (errors.length > 0) return json(env, 422, { error: 'invalid task', errors });
  if (tasks.size >= MAX_TASKS) return json(env, 409, { error: `task list is full (${MAX_TASKS} tasks)` });
  const fields = body.value as { title: string; done?: boolean };
  const task: Task = { id: nextId++, title: fields.title.trim(), done: fields.done ?? false, created_at: new Date().toISOString() };
  tasks.set(task.id, task);
  return json(env, 201, { task }, { location: `/task/api/tasks/${task.id}` });
}

async function oneTask(request: Request, env: AppEnv, id: number): Promise<Response> {
  const task = tasks.get(id);
  if (!task) return json(env, 404, { error: `task ${id} not found` });
  if (request.method === 'GET' || request.method === 'HEAD') return json(env, 200, { task });
  if (request.method === 'DELETE') {
    tasks.delete(id);
    return new Response(null, { status: 204 });
  }
  if (request.method !== 'PATCH') return methodNotAllowed(env, ['GET', 'PATCH', 'DELETE']);
  const body = await readJson(request);
  if (!body.ok) return json(env, 400, { error: 'body: not valid JSON' });
  const errors = taskFieldErrors(body.value, true);
  if (errors.length > 0) return json(env, 422, { error: 'invalid task', errors });
  const fields = body.value as Partial<Pick<Task, 'title' | 'done'>>;
  const updated: Task = {
    ...task,
    ...(fields.title !== undefined ? { title: fields.title.trim() } : {}),
    ...(fields.done !== undefined ? { done: fields.done } : {}),
  };
  tasks.set(id, updated);
  return json(env, 200, { task: updated });
}

/** The task app: `export default` shape of a Worker module or a Hono app. */
export const taskApp: AppModule = {
  async fetch(request, env) {
    const path = subPath(request, 'task');
    const read = request.method === 'GET' || request.method === 'HEAD';
    if (path === '')
      return read ? json(env, 200, { app: 'task', endpoints: ['/task/api/health', '/task/api/tasks'] }) : methodNotAllowed(env, ['GET']);
    if (path === '/health') return read ? json(env, 200, { status: 'ok', app: 'task' }) : methodNotAllowed(env, ['GET']);
    if (path === '/tasks') {
      if (read) return json(env, 200, { tasks: [...tasks.values()] });
      return request.method === 'POST' ? createTask(request, env) : methodNotAllowed(env, ['GET', 'POST']);
    }
    const match = /^\/tasks\/(\d{1,9})$/.exec(path);
    if (match) return oneTask(request, env, Number(match[1]));
    return json(env, 404, { error: `no endpoint ${new URL(request.url).pathname}` });
  },
};

export default taskApp;
