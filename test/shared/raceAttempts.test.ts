import { describe, expect, it } from 'vitest';
import { raceAttempts, type Racer } from '../../shared/raceAttempts.ts';

interface R {
  name: string;
  ok: boolean;
}

/** An attempt that settles after `ms` (never when `null`) unless aborted, which settles it at once as `aborted`. */
function racer(name: string, ms: number | null, ok: boolean, log: string[]): Racer<R> {
  let abort!: () => void;
  const result = new Promise<R>((resolve) => {
    const timer = ms === null ? undefined : setTimeout(() => resolve({ name, ok }), ms);
    abort = () => {
      clearTimeout(timer);
      log.push(`abort ${name}`);
      resolve({ name: `${name} aborted`, ok: false });
    };
  });
  return { result, abort };
}

describe('Function: raceAttempts', () => {
  it.each<[string, number | null, boolean, number | null, boolean, string[], string[]]>([
    ['primary answers before the delay: no hedge', 5, true, 5, true, ['primary'], []],
    ['primary fails before the delay: no hedge, its failure returned', 5, false, 5, true, ['primary'], []],
    ['primary hangs: hedge wins', null, true, 5, true, ['hedge'], ['start hedge', 'abort primary', 'discard primary aborted']],
    ['hedge hangs: primary wins', 80, true, null, true, ['primary'], ['start hedge', 'abort hedge', 'discard hedge aborted']],
    ['both fail: both returned in the order they came', 60, false, 5, false, ['hedge', 'primary'], ['start hedge']],
    ['hedge fails, primary then answers: both returned', 80, true, 5, false, ['hedge', 'primary'], ['start hedge']],
  ])('%s', async (_name, primaryMs, primaryOk, hedgeMs, hedgeOk, expected, events) => {
    const log: string[] = [];
    const results = await raceAttempts({
      primary: racer('primary', primaryMs, primaryOk, log),
      delayMs: 30,
      startHedge: () => (log.push('start hedge'), racer('hedge', hedgeMs, hedgeOk, log)),
      settles: (r) => r.ok,
      discard: (r) => void log.push(`discard ${r.name}`),
    });
    expect(results.map((r) => r.name)).toEqual(expected);
    expect(log).toEqual(events);
  });

  it("budget spent, then the primary's provider is judged failing: the hedge starts anyway (forced)", async () => {
    const log: string[] = [];
    let fire = () => {};
    const results = await raceAttempts({
      primary: racer('primary', null, true, log),
      delayMs: 5,
      startHedge: (forced) => (log.push(`start hedge forced=${forced}`), forced ? racer('hedge', 5, true, log) : null),
      whenFailing: (f) => ((fire = f), setTimeout(() => fire(), 20), () => void log.push('unsubscribed')),
      settles: (r) => r.ok,
      discard: (r) => void log.push(`discard ${r.name}`),
    });
    expect(results.map((r) => r.name)).toEqual(['hedge']);
    const forcedStart = ['start hedge forced=false', 'unsubscribed', 'start hedge forced=true'];
    expect(log).toEqual([...forcedStart, 'abort primary', 'discard primary aborted']);
  });

  it('budget spent and the primary ends first: no hedge, the subscription is dropped', async () => {
    const log: string[] = [];
    const results = await raceAttempts({
      primary: racer('primary', 30, true, log),
      delayMs: 5,
      startHedge: () => null,
      whenFailing: () => () => void log.push('unsubscribed'),
      settles: (r) => r.ok,
      discard: () => {},
    });
    expect(results.map((r) => r.name)).toEqual(['primary']);
    expect(log).toEqual(['unsubscribed']);
  });

  it('no hedge may start (budget spent): waits for the primary alone', async () => {
    const log: string[] = [];
    const primary = racer('primary', 50, true, log);
    const results = await raceAttempts({ primary, delayMs: 5, startHedge: () => null, settles: (r) => r.ok, discard: () => {} });
    expect(results.map((r) => r.name)).toEqual(['primary']);
  });
});
