import { describe, expect, it } from 'vitest';
import { appAttempt, type AppModule } from '../../shared/index.ts';

const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} };
const request = (signal?: AbortSignal) => new Request('http://router.test/task/api/x', { signal });
const app = (fetch: () => unknown): AppModule => ({ fetch: fetch as AppModule['fetch'] });

describe('Function: appAttempt (SPEC 4)', () => {
  it.each<[string, () => unknown, string]>([
    ['throws an Error', () => Promise.reject(new TypeError('boom')), 'threw TypeError'],
    ['throws a string', () => Promise.reject('boom'), 'threw string'],
    ['throws null', () => Promise.reject(null), 'threw object'],
    ['returns null', async () => null, 'returned null instead of a Response'],
    ['returns an array', async () => [], 'returned an array instead of a Response'],
    ['returns a plain object', async () => ({ status: 200 }), 'returned a plain object instead of a Response'],
    ['returns a number', async () => 7, 'returned number instead of a Response'],
  ])('an app that %s is a 500 naming the failure, reported once', async (_name, fetch, reason) => {
    // Prepare
    const lines: Record<string, unknown>[] = [];
    // Act
    const response = await appAttempt('task', app(fetch), {}, ctx, (l) => lines.push(l))(request());
    // Assess
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: `app task failed: it ${reason}`, app: 'task' });
    expect(lines).toEqual([{ level: 'error', msg: 'app_failed', app: 'task', reason }]);
  });

  it('a Response from another realm (same shape) is passed through as is', async () => {
    const foreign = { status: 204, headers: new Headers(), body: null };
    const response = await appAttempt(
      'task',
      app(async () => foreign),
      {},
      ctx,
      () => {},
    )(request());
    expect(response).toBe(foreign);
  });

  it('an app that throws because the attempt was aborted rethrows (a cut attempt, not an app failure)', async () => {
    const aborted = new AbortController();
    aborted.abort();
    const lines: unknown[] = [];
    const run = appAttempt(
      'task',
      app(() => Promise.reject(new Error('aborted'))),
      {},
      ctx,
      (l) => lines.push(l),
    );
    await expect(run(request(aborted.signal))).rejects.toThrow('aborted');
    expect(lines).toEqual([]);
  });

  it('a sink that throws does not turn the app failure into a router failure', async () => {
    const response = await appAttempt(
      'task',
      app(async () => null),
      {},
      ctx,
      () => {
        throw new Error('sink down');
      },
    )(request());
    expect(response.status).toBe(500);
  });
});
