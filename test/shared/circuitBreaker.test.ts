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
});
