import { describe, expect, it } from 'vitest';
import { AUTO_MIN_MS, hedgeDelayMs, lostRaceVerdict, mayHedge, type HedgeSetting, type Latency } from '../../shared/hedgePolicy.ts';

describe('Function: mayHedge', () => {
  it.each<[HedgeSetting, string, boolean, boolean]>([
    [150, 'GET', false, true],
    [150, 'HEAD', false, true],
    [150, 'OPTIONS', false, true],
    ['auto', 'GET', false, true],
    [150, 'POST', true, true],
    [150, 'PATCH', true, true],
    [150, 'DELETE', true, true],
    [150, 'POST', false, false],
    [150, 'PUT', false, false],
    [150, 'PATCH', false, false],
    [150, 'DELETE', false, false],
    [null, 'GET', false, false],
    [null, 'POST', true, false],
  ])('hedge_after_ms %s, %s, Idempotency-Key %s -> %s', (setting, method, key, expected) => {
    expect(mayHedge(setting, method, key)).toBe(expected);
  });
});

describe('Function: hedgeDelayMs', () => {
  const none: Latency = { p95: null, samples: 0 };
  it.each<[string, number | 'auto', Latency, Latency, number, number, number | null]>([
    ['a fixed delay is used as is', 200, none, none, 2500, 2500, 200],
    ['a fixed delay ignores latency', 200, { p95: 900, samples: 60 }, none, 2500, 2500, 200],
    ['auto: twice the p95', 'auto', { p95: 40, samples: 50 }, none, 2500, 2500, 80],
    ['auto: own samples win over the instance-wide ones', 'auto', { p95: 40, samples: 5 }, { p95: 400, samples: 50 }, 2500, 2500, 80],
    ['auto: never below the floor', 'auto', { p95: 10, samples: 50 }, none, 2500, 2500, AUTO_MIN_MS],
    ['auto: never above timeout_ms', 'auto', { p95: 2000, samples: 50 }, none, 2500, 2600, 2500],
    ['auto: too few own samples -> the instance-wide p95', 'auto', { p95: 40, samples: 4 }, { p95: 100, samples: 20 }, 2500, 2500, 200],
    ['auto: no own samples, instance-wide floored', 'auto', none, { p95: 5, samples: 9 }, 2500, 2500, AUTO_MIN_MS],
    ['auto: too few samples anywhere -> timeout / 5', 'auto', { p95: 40, samples: 2 }, { p95: 40, samples: 4 }, 2500, 2500, 500],
    ['auto: no samples -> timeout / 5', 'auto', none, none, 2500, 2500, 500],
    ['auto: cold with a short timeout keeps the floor', 'auto', none, none, 100, 100, AUTO_MIN_MS],
    ['no hedge when the budget ends first', 200, none, none, 2500, 150, null],
    ['no hedge at exactly the budget', 200, none, none, 2500, 200, null],
    ['auto equal to the timeout cannot fire', 'auto', { p95: 2000, samples: 50 }, none, 2500, 2500, null],
  ])('%s', (_name, setting, own, overall, timeoutMs, budgetMs, expected) => {
    expect(hedgeDelayMs(setting, own, overall, timeoutMs, budgetMs)).toBe(expected);
  });
});

describe('Function: lostRaceVerdict', () => {
  it.each([
    [false, false],
    [true, null],
  ])('the loser was the hedge: %s -> %s', (wasHedge, expected) => {
    expect(lostRaceVerdict(wasHedge)).toBe(expected);
  });
});
