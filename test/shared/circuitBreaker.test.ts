import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../shared/index.ts';

const settings = { failures: 3, cooldownMs: 1000 };

describe('Class: CircuitBreaker (SPEC 5)', () => {
  it('opens after N consecutive failures, half-opens after the cooldown, closes on success', () => {
    // Prepare
    let now = 0;
    const breaker = new CircuitBreaker(() => now);
    // Act + Assess
    for (let i = 0; i < 2; i++) breaker.record('1', false, settings);
    expect(breaker.tryAcquire('1', settings)).toBe(true);
    breaker.record('1', false, settings);
    expect(breaker.state('1', settings)).toEqual({ state: 'open', consecutive_failures: 3 });
    expect(breaker.tryAcquire('1', settings)).toBe(false);
    now = 1000;
    expect(breaker.state('1', settings).state).toBe('half-open');
    expect(breaker.tryAcquire('1', settings)).toBe(true); // the one probe
    expect(breaker.tryAcquire('1', settings)).toBe(false); // others wait for it
    breaker.record('1', true, settings);
    expect(breaker.state('1', settings)).toEqual({ state: 'closed', consecutive_failures: 0 });
  });

  it('reopens for a full cooldown when the half-open probe fails', () => {
    let now = 0;
    const breaker = new CircuitBreaker(() => now);
    for (let i = 0; i < 3; i++) breaker.record('1', false, settings);
    now = 1500;
    expect(breaker.tryAcquire('1', settings)).toBe(true);
    breaker.record('1', false, settings);
    expect(breaker.state('1', settings).state).toBe('open');
    now = 2400;
    expect(breaker.tryAcquire('1', settings)).toBe(false);
    now = 2500;
    expect(breaker.tryAcquire('1', settings)).toBe(true);
  });

  it('a success in between resets the count', () => {
    const breaker = new CircuitBreaker(() => 0);
    breaker.record('1', false, settings);
    breaker.record('1', false, settings);
    breaker.record('1', true, settings);
    breaker.record('1', false, settings);
    breaker.record('1', false, settings);
    expect(breaker.state('1', settings)).toEqual({ state: 'closed', consecutive_failures: 2 });
  });

  it('lets another probe through when the first never reported back', () => {
    let now = 0;
    const breaker = new CircuitBreaker(() => now);
    for (let i = 0; i < 3; i++) breaker.record('1', false, settings);
    now = 1000;
    expect(breaker.tryAcquire('1', settings)).toBe(true);
    now = 2000;
    expect(breaker.tryAcquire('1', settings)).toBe(true);
  });

  it.each<[string, number, boolean, boolean]>([
    ['never failed', 0, false, false],
    ['failing, under the threshold', 2, false, false],
    ['open, in its cooldown', 3, false, true],
    ['half-open, probe free', 3, true, false],
  ])('isOpen: %s -> %s', (_name, failures, cooled, open) => {
    let now = 0;
    const breaker = new CircuitBreaker(() => now);
    for (let i = 0; i < failures; i++) breaker.record('1', false, settings);
    if (cooled) now = 1000;
    expect(breaker.isOpen('1', settings)).toBe(open);
  });

  it('isOpen: half-open with its probe taken is skipped until the probe is overdue; isOpen itself claims nothing', () => {
    let now = 0;
    const breaker = new CircuitBreaker(() => now);
    for (let i = 0; i < 3; i++) breaker.record('1', false, settings);
    now = 1000;
    expect(breaker.isOpen('1', settings)).toBe(false);
    expect(breaker.isOpen('1', settings)).toBe(false);
    expect(breaker.tryAcquire('1', settings)).toBe(true);
    expect(breaker.isOpen('1', settings)).toBe(true);
    now = 2000;
    expect(breaker.isOpen('1', settings)).toBe(false);
  });

  it('recoveredAt: set when a probe closes an open breaker, not by a success while closed', () => {
    let now = 0;
    const breaker = new CircuitBreaker(() => now);
    breaker.record('1', false, settings);
    breaker.record('1', true, settings);
    expect(breaker.recoveredAt('1')).toBeUndefined();
    for (let i = 0; i < 3; i++) breaker.record('1', false, settings);
    now = 1234;
    breaker.record('1', true, settings);
    expect(breaker.recoveredAt('1')).toBe(1234);
  });

  it('state: without breaker settings (breaker: false) every provider is closed, failures still counted', () => {
    const breaker = new CircuitBreaker(() => 0);
    for (let i = 0; i < 3; i++) breaker.record('1', false, settings);
    expect(breaker.state('1', null)).toEqual({ state: 'closed', consecutive_failures: 3 });
    expect(breaker.state('2', null)).toEqual({ state: 'closed', consecutive_failures: 0 });
  });
});
