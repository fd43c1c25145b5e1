import { describe, expect, it } from 'vitest';
import { HedgeBudget } from '../../shared/hedgeBudget.ts';

/** Hedges granted when `requests` eligible requests each deposit once and try to hedge. */
function granted(bucket: HedgeBudget, requests: number): number {
  let n = 0;
  for (let i = 0; i < requests; i++) {
    bucket.deposit();
    if (bucket.tryTake()) n++;
  }
  return n;
}

describe('Class: HedgeBudget', () => {
  it.each([
    [0.1, 10],
    [0.5, 50],
    [1, 100],
    [0.01, 10],
  ])('ratio %s: capacity %s (max(10, 100 x ratio))', (ratio, capacity) => {
    expect(new HedgeBudget(ratio).capacity).toBe(capacity);
  });

  it.each([
    [0.1, 1000],
    [0.25, 1000],
    [0.05, 2000],
  ])('ratio %s over %s requests: at most burst + ratio x requests hedges', (ratio, requests) => {
    const bucket = new HedgeBudget(ratio);
    const n = granted(bucket, requests);
    expect(n).toBeLessThanOrEqual(bucket.capacity + ratio * requests);
    expect(n).toBeGreaterThanOrEqual(Math.floor(ratio * requests));
  });

  it('a spent bucket refuses until deposits add a whole token', () => {
    const bucket = new HedgeBudget(0.1, 1);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    for (let i = 0; i < 9; i++) bucket.deposit();
    expect(bucket.tryTake()).toBe(false);
    bucket.deposit();
    bucket.deposit();
    expect(bucket.tryTake()).toBe(true);
  });

  it('a refund returns the token, never above capacity', () => {
    const bucket = new HedgeBudget(0.1, 1);
    bucket.refund();
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    bucket.refund();
    expect(bucket.tryTake()).toBe(true);
  });
});
