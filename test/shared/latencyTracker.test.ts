import { describe, expect, it } from 'vitest';
import { LatencyTracker } from '../../shared/latencyTracker.ts';

describe('Class: LatencyTracker', () => {
  it.each<[string, number[], number | null]>([
    ['no samples', [], null],
    ['one sample', [42], 42],
    ['20 samples 1..20: nearest rank 19', Array.from({ length: 20 }, (_, i) => i + 1), 19],
    ['100 samples 1..100, ring of 64 keeps 37..100: rank 61 -> 97', Array.from({ length: 100 }, (_, i) => i + 1), 97],
  ])('%s', (_name, samples, p95) => {
    const tracker = new LatencyTracker();
    for (const ms of samples) tracker.add('1', ms);
    expect(tracker.p95('1')).toEqual({ p95, samples: Math.min(samples.length, 64) });
  });

  it('keeps providers apart', () => {
    const tracker = new LatencyTracker(4);
    tracker.add('1', 500);
    tracker.add('2', 5);
    expect(tracker.p95('1').p95).toBe(500);
    expect(tracker.p95('2').p95).toBe(5);
    expect(tracker.p95('3')).toEqual({ p95: null, samples: 0 });
  });

  it("overall(): every provider's samples together", () => {
    const tracker = new LatencyTracker();
    for (let i = 1; i <= 19; i++) tracker.add('1', i);
    tracker.add('2', 1000);
    expect(tracker.overall()).toEqual({ p95: 19, samples: 20 });
    expect(new LatencyTracker().overall()).toEqual({ p95: null, samples: 0 });
  });

  it('a lower bound (a lost primary) counts for its provider only', () => {
    const tracker = new LatencyTracker();
    tracker.add('1', 500, false);
    tracker.add('2', 5);
    expect(tracker.p95('1')).toEqual({ p95: 500, samples: 1 });
    expect(tracker.overall()).toEqual({ p95: 5, samples: 1 });
  });
});
