import { describe, expect, it } from 'vitest';
import { AttemptQueue, planAttempts, type PlanInput, type Step } from '../../shared/attemptPlan.ts';
import { attemptBudgetMs, breakerVerdict, usedUpDeadline } from '../../shared/attemptPolicy.ts';
import { exhaustionAnswer, stoppedAnswer, type ExhaustionInput } from '../../shared/exhaustionAnswer.ts';

const base: PlanInput = {
  priority: ['1', '2', '3'],
  self: undefined,
  isSelf: () => false,
  hasLocal: false,
  noFallback: false,
  isOpen: () => false,
};
const ids = (steps: Step[]) => steps.map((s) => `${s.id}${s.local ? ' local' : ''}`);

describe('Function: planAttempts', () => {
  it.each<[string, Partial<PlanInput>, string[]]>([
    ['the priority as it is', {}, ['1', '2', '3']],
    ['self without a local copy is skipped', { self: '2', isSelf: (id) => id === '2' }, ['1', '3']],
    [
      'self with a local copy is served in-process where it stands',
      { self: '2', isSelf: (id) => id === '2', hasLocal: true },
      ['1', '2 local', '3'],
    ],
    [
      'X-No-Fallback with a local copy: one local attempt, wherever self stands',
      { self: '3', isSelf: (id) => id === '3', hasLocal: true, noFallback: true },
      ['3 local'],
    ],
    [
      'X-No-Fallback with a local copy but self not in the order',
      { self: '9', isSelf: (id) => id === '9', hasLocal: true, noFallback: true },
      ['9 local'],
    ],
    // Middleware mode without ROUTE_SELF: self is the provider whose origin is the router's own.
    [
      'X-No-Fallback, no ROUTE_SELF, a provider at this origin: that one, in-process',
      { isSelf: (id) => id === '2', hasLocal: true, noFallback: true },
      ['2 local'],
    ],
    ['X-No-Fallback, no ROUTE_SELF, no provider at this origin: the local handler', { hasLocal: true, noFallback: true }, ['local local']],
    ['X-No-Fallback without a local copy: the first provider not open', { noFallback: true, isOpen: (id) => id === '1' }, ['2']],
    ['X-No-Fallback with every provider open: the first anyway', { noFallback: true, isOpen: () => true }, ['1']],
    [
      'X-No-Fallback and only self without a copy: nothing',
      { priority: ['1'], self: '1', isSelf: (id) => id === '1', noFallback: true },
      [],
    ],
    ['an empty priority: nothing', { priority: [] }, []],
    // Shared health (issue 15): advice moves a provider marked down behind the others, never out.
    ['marked down in the shared document: tried last', { markedDown: new Set(['1']) }, ['2', '3', '1']],
    ['two marked down: behind the rest, their order kept', { markedDown: new Set(['2', '1']) }, ['3', '1', '2']],
    ['every provider marked down: the order kept (fail open)', { markedDown: new Set(['1', '2', '3']) }, ['1', '2', '3']],
    ['an empty document: the order as it is', { markedDown: new Set() }, ['1', '2', '3']],
    ['a provider the order does not name: no effect', { markedDown: new Set(['9']) }, ['1', '2', '3']],
    [
      'the local copy is never demoted, even marked down',
      { self: '1', isSelf: (id) => id === '1', hasLocal: true, markedDown: new Set(['1', '2']) },
      ['1 local', '3', '2'],
    ],
    [
      'self marked down without a copy: still skipped',
      { self: '2', isSelf: (id) => id === '2', markedDown: new Set(['2', '1']) },
      ['3', '1'],
    ],
    ['X-No-Fallback: the first provider not marked down', { noFallback: true, markedDown: new Set(['1']) }, ['2']],
    [
      'X-No-Fallback: not marked down but open loses to marked down but closed (the breaker saw it first hand)',
      { priority: ['1', '2'], noFallback: true, markedDown: new Set(['1']), isOpen: (id) => id === '2' },
      ['1'],
    ],
    [
      'X-No-Fallback, every provider open and one marked down: the first not marked down anyway',
      { noFallback: true, markedDown: new Set(['1']), isOpen: () => true },
      ['2'],
    ],
    [
      'X-No-Fallback with a local copy marked down: still the local copy',
      { self: '1', isSelf: (id) => id === '1', hasLocal: true, noFallback: true, markedDown: new Set(['1']) },
      ['1 local'],
    ],
  ])('%s', (_what, input, expected) => {
    expect(ids(planAttempts({ ...base, ...input }))).toEqual(expected);
  });
});

describe('Class: AttemptQueue', () => {
  function drain(steps: Step[], open: Set<string>): { given: string[]; asked: string[] } {
    const asked: string[] = [];
    const queue = new AttemptQueue(steps, (id) => (asked.push(id), !open.has(id)));
    const given: string[] = [];
    while (queue.hasMore) {
      const step = queue.next();
      if (!step) break;
      given.push(`${step.id}${step.force ? ' forced' : ''}`);
    }
    return { given, asked };
  }
  const remote = (...list: string[]): Step[] => list.map((id) => ({ id, local: false }));

  it.each<[string, Step[], string[], string[]]>([
    ['every breaker closed: the order', remote('1', '2', '3'), [], ['1', '2', '3']],
    ['an open provider is skipped', remote('1', '2', '3'), ['2'], ['1', '3']],
    ['every provider open: all tried in order anyway (never an outage)', remote('1', '2'), ['1', '2'], ['1 forced', '2 forced']],
    ['the last one admitted after open ones: no forcing', remote('1', '2'), ['1'], ['2']],
    ['a local step is never asked about', [{ id: '1', local: true }, ...remote('2')], ['1', '2'], ['1']],
  ])('%s', (_what, steps, open, expected) => {
    expect(drain(steps, new Set(open)).given).toEqual(expected);
  });

  it('asks the breaker lazily: a half-open probe is claimed only for the step about to be tried', () => {
    const asked: string[] = [];
    const queue = new AttemptQueue(remote('1', '2', '3'), (id) => (asked.push(id), true));
    expect(queue.next()?.id).toBe('1');
    expect(asked).toEqual(['1']);
  });
});

describe('Function: breakerVerdict', () => {
  it.each([
    ['a 200', false, { outcome: 'status', status: 200 }, true],
    ['a 404 (an answer, not a failure)', false, { outcome: 'status', status: 404 }, true],
    ['a 503', false, { outcome: 'status', status: 503 }, false],
    ['a timeout', false, { outcome: 'timeout' }, false],
    ['a connection error', false, { outcome: 'error' }, false],
    ['a client abort (says nothing of the provider)', false, { outcome: 'aborted' }, null],
    ['the local copy (no breaker)', true, { outcome: 'status', status: 500 }, null],
  ] as const)('%s', (_what, local, record, expected) => {
    expect(breakerVerdict(local, { provider: '1', ms: 1, ...record })).toBe(expected);
  });
});

describe('Function: attemptBudgetMs and usedUpDeadline', () => {
  it.each([
    [8000, 2500, 2500],
    [700, 2500, 700],
    [1, 2500, 1],
    [0.9, 2500, null],
    [-5, 2500, null],
  ])('remaining %d ms, timeout %d ms: budget %s', (remaining, timeout, expected) => {
    expect(attemptBudgetMs(remaining, timeout)).toBe(expected);
  });

  it.each([
    ['timeout', 700, 2500, true],
    ['timeout', 2500, 2500, true],
    ['timeout', 5000, 2500, false],
    ['error', 700, 2500, false],
  ] as const)('%s with %d ms left (timeout %d): used up %s', (outcome, remaining, timeout, expected) => {
    expect(usedUpDeadline(outcome, remaining, timeout)).toBe(expected);
  });
});

describe('Function: exhaustionAnswer', () => {
  const none: ExhaustionInput = {
    hasStale: false,
    hasLastAnswer: false,
    attempts: 2,
    lastFailure: 'error',
    deadlineHit: false,
    priority: '12',
    deadlineMs: 8000,
  };
  it.each<[string, Partial<ExhaustionInput>, object]>([
    ['a stale entry wins over everything', { hasStale: true, hasLastAnswer: true }, { kind: 'stale' }],
    ['the last real answer beats a router-made error', { hasLastAnswer: true, lastFailure: 'timeout' }, { kind: 'last' }],
    [
      'nothing tried: 502 naming the order',
      { attempts: 0 },
      { kind: 'error', status: 502, error: 'no provider available', extra: { order: '12' } },
    ],
    [
      'last failure a timeout: 504',
      { lastFailure: 'timeout' },
      { kind: 'error', status: 504, error: 'all providers failed', extra: { deadline_ms: 8000 } },
    ],
    [
      'the deadline ran out: 504 deadline exceeded',
      { lastFailure: 'timeout', deadlineHit: true },
      { kind: 'error', status: 504, error: 'deadline exceeded', extra: { deadline_ms: 8000 } },
    ],
    ['connection errors: 502', {}, { kind: 'error', status: 502, error: 'all providers failed', extra: {} }],
  ])('%s', (_what, input, expected) => {
    expect(exhaustionAnswer({ ...none, ...input })).toEqual(expected);
  });

  it.each([
    ['aborted', 499, 'client closed the request'],
    ['timeout', 504, 'POST not retried (idempotent_only): provider 2 timed out after the request may have been sent'],
    ['error', 502, 'POST not retried (idempotent_only): provider 2 failed after the request may have been sent'],
  ] as const)('a write stopped after %s answers %d', (outcome, status, error) => {
    expect(stoppedAnswer(outcome, 'POST', '2')).toEqual({ status, error });
  });
});
