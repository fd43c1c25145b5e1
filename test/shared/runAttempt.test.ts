import { describe, expect, it } from 'vitest';
import { AttemptTimeoutError, ClientAbortError } from '../../shared/index.ts';
import { runAttempt } from '../../shared/runAttempt.ts';

/** A transport that honours the abort signal like a real one. */
const hangs = (signal: AbortSignal) => new Promise<Response>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
const now = () => 0;

describe('Function: runAttempt', () => {
  it('an answer is a status record with the response', async () => {
    const result = await runAttempt('1', async () => new Response('ok', { status: 201 }), 1000, undefined, now);
    expect(result.record).toEqual({ provider: '1', outcome: 'status', status: 201, ms: 0 });
    expect(await result.response!.text()).toBe('ok');
    expect(result.notSent).toBe(false);
  });

  it.each<[string, (signal: AbortSignal) => Promise<Response>, boolean]>([
    ['a refused connection was not sent', async () => Promise.reject(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })), true],
    ['a reset connection may have been sent', async () => Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' })), false],
  ])('%s', async (_name, send, notSent) => {
    const result = await runAttempt('1', send, 1000, undefined, now);
    expect(result.record.outcome).toBe('error');
    expect(result.response).toBeUndefined();
    expect(result.notSent).toBe(notSent);
  });

  it('a timeout aborts the transport with an AttemptTimeoutError', async () => {
    let reason: unknown;
    const result = await runAttempt('1', (signal) => ((signal.onabort = () => (reason = signal.reason)), hangs(signal)), 5, undefined, now);
    expect(result.record.outcome).toBe('timeout');
    expect(result.notSent).toBe(false);
    expect(reason).toBeInstanceOf(AttemptTimeoutError);
  });

  it('a client that already went away aborts the attempt at once', async () => {
    const client = new AbortController();
    client.abort();
    let seen: unknown;
    const result = await runAttempt('1', (signal) => ((seen = signal.reason), hangs(signal)), 60_000, client.signal, now);
    expect(result.record.outcome).toBe('aborted');
    expect(seen).toBeInstanceOf(ClientAbortError);
  });

  it('a client that goes away mid-attempt aborts it', async () => {
    const client = new AbortController();
    const result = runAttempt('1', (signal) => (queueMicrotask(() => client.abort()), hangs(signal)), 60_000, client.signal, now);
    expect((await result).record.outcome).toBe('aborted');
  });

  it('a late answer after the timeout is dropped: its body is cancelled', async () => {
    // Prepare: a handler that ignores the signal and answers after the attempt gave up
    let cancel!: () => void;
    const cancelled = new Promise<void>((resolve) => (cancel = resolve));
    let answer!: (r: Response) => void;
    const late = new Promise<Response>((resolve) => (answer = resolve));
    // Act
    const result = await runAttempt('1', () => late, 5, undefined, now);
    answer(new Response(new ReadableStream({ pull() {}, cancel: () => cancel() })));
    // Assess
    expect(result.record.outcome).toBe('timeout');
    await cancelled;
  });

  it('abort() aborts the connection of an answered attempt (a response that is not used)', async () => {
    let signal!: AbortSignal;
    const result = await runAttempt('1', async (s) => ((signal = s), new Response('x')), 1000, undefined, now);
    result.abort();
    expect(signal.aborted).toBe(true);
  });
});
