import { describe, expect, it } from 'vitest';
import type { Step } from '../../shared/attemptPlan.ts';
import { CircuitBreaker } from '../../shared/circuitBreaker.ts';
import { FailbackRamp, RAMP_JITTER, applyRamp, jitteredWindow, rampShare } from '../../shared/failbackRamp.ts';

const settings = { rampMs: 30_000, startShare: 0.1 };
const steps = (ids: string): Step[] => [...ids].map((id) => ({ id, local: false }));

describe('Function: rampShare', () => {
  it.each([
    [0, 0.1],
    [-5, 0.1],
    [15_000, 0.55],
    [27_000, 0.91],
    [30_000, 1],
    [90_000, 1],
  ])('%s ms into a 30 s ramp from 10%% -> %s', (elapsed, share) => {
    expect(rampShare(elapsed, 30_000, settings)).toBeCloseTo(share, 10);
  });
});

describe('Function: jitteredWindow', () => {
  it.each([
    [0, 30_000 * (1 - RAMP_JITTER)],
    [0.5, 30_000],
    [0.999999, 30_000 * (1 + RAMP_JITTER)],
  ])('draw %s -> %s', (draw, window) => {
    expect(jitteredWindow(30_000, draw)).toBeCloseTo(window, 0);
  });
});

describe('Function: applyRamp', () => {
  it.each<[string, string, Record<string, number>, number, string]>([
    ['nobody ramping: the plan as is', '123', {}, 0.5, '123'],
    ['a ramping provider kept when the draw is under its share', '123', { '1': 0.3 }, 0.2, '123'],
    ['a ramping provider moved last when the draw is over its share', '123', { '1': 0.3 }, 0.5, '231'],
    ['two ramping providers keep their relative order when moved', '123', { '1': 0.1, '2': 0.1 }, 0.5, '312'],
    ['a lone provider stays (never removed)', '1', { '1': 0.1 }, 0.9, '1'],
  ])('%s', (_name, ids, shares, draw, expected) => {
    const out = applyRamp(
      steps(ids),
      (id) => shares[id] ?? 1,
      () => draw,
    );
    expect(out.map((s) => s.id).join('')).toBe(expected);
  });

  it('a local step is never demoted', () => {
    const out = applyRamp(
      [
        { id: '1', local: true },
        { id: '2', local: false },
      ],
      () => 0.1,
      () => 0.9,
    );
    expect(out.map((s) => s.id).join('')).toBe('12');
  });

  it('over many requests a provider leads in about its share of them', () => {
    let seed = 1;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const leads = Array.from({ length: 10_000 }, () => applyRamp(steps('12'), (id) => (id === '1' ? 0.3 : 1), random)[0]!.id === '1');
    expect(leads.filter(Boolean).length / leads.length).toBeCloseTo(0.3, 1);
  });
});

describe('Class: FailbackRamp', () => {
  it.each<[string, number | undefined, number, number]>([
    ['never recovered: whole share', undefined, 0, 1],
    ['just recovered: start share', 1000, 1000, 0.1],
    ['half way', 1000, 16_000, 0.55],
    ['window over', 1000, 31_000, 1],
  ])('%s', (_name, recoveredAt, now, share) => {
    expect(new FailbackRamp(() => 0.5).shareOf('1', recoveredAt, now, settings)).toBeCloseTo(share, 10);
  });

  it('one jittered window per recovery: a new recovery draws again', () => {
    const draws = [0, 0.999999];
    const ramp = new FailbackRamp(() => draws.shift() ?? 0.5);
    // Window 28.5 s: 28.5 s after the recovery it is over.
    expect(ramp.shareOf('1', 0, 28_500, settings)).toBe(1);
    // A new recovery at 40 s: window 31.5 s, so at 40 + 30 s it still ramps.
    expect(ramp.shareOf('1', 40_000, 70_000, settings)).toBeLessThan(1);
  });
});

describe('Class: CircuitBreaker recoveredAt (the start of a ramp)', () => {
  const breakerSettings = { failures: 1, cooldownMs: 100 };
  it.each<[string, Array<[number, boolean]>, number | undefined]>([
    ['never failed', [[0, true]], undefined],
    ['no attempts yet', [], undefined],
    [
      'opened, then a successful half-open probe',
      [
        [0, false],
        [150, true],
      ],
      150,
    ],
    [
      'recovered, then failed again: the old ramp stands until a new recovery',
      [
        [0, false],
        [150, true],
        [200, false],
      ],
      150,
    ],
    [
      'recovered twice: the latest counts',
      [
        [0, false],
        [150, true],
        [200, false],
        [400, true],
      ],
      400,
    ],
  ])('%s', (_name, events, expected) => {
    let t = 0;
    const breaker = new CircuitBreaker(() => t);
    for (const [at, ok] of events) {
      t = at;
      breaker.record('1', ok, breakerSettings);
    }
    expect(breaker.recoveredAt('1')).toBe(expected);
  });
});

describe('Class: CircuitBreaker onOpen (rescuing requests stuck on a provider)', () => {
  it('fires once when the breaker goes from closed to open, not on a re-open, not after unsubscribing', () => {
    let t = 0;
    const breaker = new CircuitBreaker(() => t);
    const settings = { failures: 2, cooldownMs: 100 };
    const fired: string[] = [];
    const off1 = breaker.onOpen('1', () => fired.push('a'));
    breaker.onOpen('2', () => fired.push('other provider'));
    breaker.record('1', false, settings);
    expect(fired).toEqual([]);
    breaker.record('1', false, settings);
    expect(fired).toEqual(['a']);
    t = 150;
    breaker.record('1', false, settings); // a failed half-open probe re-opens: already open, no news
    expect(fired).toEqual(['a']);
    off1();
    breaker.record('1', true, settings);
    breaker.record('1', false, settings);
    breaker.record('1', false, settings);
    expect(fired).toEqual(['a']);
  });
});
