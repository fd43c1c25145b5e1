import { describe, expect, it } from 'vitest';
import { ConfigValidationError, parseConfig } from '../../shared/index.ts';

const providers = { '1': 'http://127.0.0.1:4001', '2': 'http://127.0.0.1:4002' };
const parse = (extra: Record<string, unknown>, route: Record<string, unknown> = {}) =>
  parseConfig(JSON.stringify({ providers, routes: { task: { priority: '12', ...route } }, ...extra }), {});

function errorsOf(extra: Record<string, unknown>, route: Record<string, unknown> = {}): string[] {
  try {
    parse(extra, route);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).errors;
  }
  throw new Error('expected the config to be rejected');
}

describe('Function: parseConfig (hedging and failback keys)', () => {
  it('defaults: hedging off, budget 10%, no failback ramp', () => {
    const config = parse({});
    expect(config.routes.get('task')!.hedgeAfterMs).toBeNull();
    expect(config.unlisted.hedgeAfterMs).toBeNull();
    expect(config.hedgeBudget).toBe(0.1);
    expect(config.failback).toBeNull();
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, number | 'auto' | null]>([
    ['top value reaches the route', { hedge_after_ms: 200 }, {}, 200],
    ['route overrides top', { hedge_after_ms: 200 }, { hedge_after_ms: 'auto' }, 'auto'],
    ['equal to timeout_ms is allowed', { timeout_ms: 300, hedge_after_ms: 300 }, {}, 300],
    ['route-only', {}, { hedge_after_ms: 1 }, 1],
  ])('hedge_after_ms: %s', (_name, extra, route, expected) => {
    expect(parse(extra, route).routes.get('task')!.hedgeAfterMs).toBe(expected);
  });

  it.each<[string, Record<string, unknown>, Record<string, number>]>([
    ['true: the default ramp', { failback: true }, { rampMs: 30_000, startShare: 0.1 }],
    ['ramp_ms only', { failback: { ramp_ms: 5000 } }, { rampMs: 5000, startShare: 0.1 }],
    ['both keys', { failback: { ramp_ms: 60_000, start_share: 0.25 } }, { rampMs: 60_000, startShare: 0.25 }],
  ])('failback: %s', (_name, extra, expected) => {
    expect(parse(extra).failback).toEqual(expected);
  });

  it('failback: false turns it off', () => {
    expect(parse({ failback: false }).failback).toBeNull();
  });

  // Hostile input: each is rejected by validation naming the field.
  it.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
    ['hedge_after_ms 0', { hedge_after_ms: 0 }, {}, 'hedge_after_ms: must be a whole number of ms in [1, timeout_ms] or "auto", got 0'],
    ['hedge_after_ms negative', { hedge_after_ms: -5 }, {}, 'hedge_after_ms: must be a whole number'],
    ['hedge_after_ms fractional', { hedge_after_ms: 1.5 }, {}, 'hedge_after_ms: must be a whole number'],
    [
      'hedge_after_ms a string',
      { hedge_after_ms: 'fast' },
      {},
      'hedge_after_ms: must be a whole number of ms in [1, timeout_ms] or "auto", got',
    ],
    ['hedge_after_ms a numeric string', { hedge_after_ms: '100' }, {}, 'hedge_after_ms: must be a whole number'],
    ['hedge_after_ms true', { hedge_after_ms: true }, {}, 'hedge_after_ms: must be a whole number'],
    ['hedge_after_ms null', { hedge_after_ms: null }, {}, 'hedge_after_ms: must be a whole number'],
    ['hedge_after_ms above timeout_ms', { hedge_after_ms: 3000 }, {}, 'hedge_after_ms: 3000 must be in [1, timeout_ms] (timeout_ms is'],
    ['route hedge_after_ms above its timeout_ms', {}, { timeout_ms: 100, hedge_after_ms: 200 }, 'routes.task.hedge_after_ms: 200 must be'],
    ['route timeout below the top one', { hedge_after_ms: 200 }, { timeout_ms: 100 }, 'routes.task.hedge_after_ms (from hedge_after_ms)'],
    ['route hedge_after_ms "AUTO"', {}, { hedge_after_ms: 'AUTO' }, 'routes.task.hedge_after_ms: must be a whole number'],
    ['hedge_budget 0', { hedge_budget: 0 }, {}, 'hedge_budget: must be a number in (0, 1] (a share of requests), got 0'],
    ['hedge_budget negative', { hedge_budget: -0.1 }, {}, 'hedge_budget: must be a number in (0, 1]'],
    ['hedge_budget above 1', { hedge_budget: 1.5 }, {}, 'hedge_budget: must be a number in (0, 1]'],
    ['hedge_budget a string', { hedge_budget: '10%' }, {}, 'hedge_budget: must be a number in (0, 1] (a share of requests), got "10%"'],
    ['failback.ramp_ms 0', { failback: { ramp_ms: 0 } }, {}, 'failback.ramp_ms: must be >= 1, got 0'],
    ['failback.ramp_ms negative', { failback: { ramp_ms: -1000 } }, {}, 'failback.ramp_ms: must be >= 1'],
    ['failback.ramp_ms a string', { failback: { ramp_ms: '30s' } }, {}, 'failback.ramp_ms: expected an integer'],
    ['failback.start_share 0', { failback: { start_share: 0 } }, {}, 'failback.start_share: must be a number in (0, 1]'],
    ['failback.start_share above 1', { failback: { start_share: 2 } }, {}, 'failback.start_share: must be a number in (0, 1]'],
    ['failback a number', { failback: 30_000 }, {}, 'failback: expected one of false, true, got 30000'],
    ['failback unknown key', { failback: { ramp: 100 } }, {}, 'failback'],
  ])('%s', (_name, extra, route, message) => {
    const errors = errorsOf(extra, route);
    expect(errors.some((e) => e.startsWith(message))).toBe(true);
  });
});
