import { describe, expect, it } from 'vitest';
import { BodyBudget } from '../../shared/bodyBudget.ts';
import { readRequestBody, type BodyLimits } from '../../shared/readRequestBody.ts';

/** A body of `pieces`, then (when `stall`) nothing more, or (when `broken`) an error. */
function body(pieces: number[], end: 'close' | 'stall' | 'error' = 'close'): ReadableStream<Uint8Array> {
  const queue = [...pieces];
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = queue.shift();
      if (next !== undefined) return controller.enqueue(new Uint8Array(next));
      if (end === 'close') controller.close();
      else if (end === 'error') controller.error(new Error('connection closed mid-body'));
      else return new Promise(() => undefined);
    },
  });
}

const limits = (over: Partial<BodyLimits> = {}): BodyLimits => ({
  maxBytes: 1000,
  declared: null,
  budget: new BodyBudget(),
  budgetCap: 1500,
  timeoutMs: 200,
  ...over,
});

describe('Function: readRequestBody', () => {
  // [what, pieces, how the body ends, limits, expected kind]
  it.each([
    ['a whole body within every limit', [300, 300], 'close', {}, 'ok'],
    ['a declared length over max_body_bytes', [10], 'close', { declared: 1001 }, 'too-large'],
    ['a chunked body growing over max_body_bytes', [600, 600], 'close', {}, 'too-large'],
    ['a declared length over what the budget has left', [10], 'close', { budgetCap: 500, declared: 900 }, 'busy'],
    ['a chunked body growing over the budget', [400, 400], 'close', { budgetCap: 500 }, 'busy'],
    ['a body that stalls past the deadline', [10], 'stall', {}, 'timeout'],
    ['a body that breaks off', [10], 'error', {}, 'unreadable'],
  ] as const)('%s -> %s', async (_what, pieces, end, over, kind) => {
    // Prepare
    const budget = new BodyBudget();
    // Act
    const read = await readRequestBody(body([...pieces], end), limits({ budget, ...over }));
    // Assess
    expect(read.kind).toBe(kind);
    expect(budget.inUse, 'the budget is given back whatever happened').toBe(0);
  });

  it('shares one budget between requests: a second stalled body does not fit while the first holds its share', async () => {
    // Prepare
    const budget = new BodyBudget();
    const first = readRequestBody(body([10], 'stall'), limits({ budget, declared: 900, timeoutMs: 300 }));
    // Act
    const second = await readRequestBody(body([10]), limits({ budget, declared: 900 }));
    // Assess
    expect(second.kind).toBe('busy');
    expect((await first).kind).toBe('timeout');
    expect(budget.inUse).toBe(0);
    expect((await readRequestBody(body([900]), limits({ budget, declared: 900 }))).kind).toBe('ok');
  });
});
