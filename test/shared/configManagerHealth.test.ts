import { describe, expect, it } from 'vitest';
import { ConfigManager, HEALTH_DOC, type ConfigRead } from '../../shared/index.ts';

// Shared health (issue 15): the document comes with the config read and is judged at use time.

const CONFIG = JSON.stringify({ providers: { '1': 'http://one.test', '2': 'http://two.test' }, global_priority: '12' });
const T0 = Date.UTC(2026, 11, 1);

/** A health document checked at `checkedAt`, marking the ids in `down` down. */
const doc = (checkedAt: number, down: string[] = ['1'], over: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: 1,
    checked_at: new Date(checkedAt).toISOString(),
    interval_s: 60,
    by: 'worker-cron',
    providers: Object.fromEntries(['1', '2'].map((id) => [id, { up: !down.includes(id), status: null, ms: 1 }])),
    ...over,
  });

/** A store holding a config and a health text, counting reads, with a hand-driven clock and captured log. */
function setup(health: string | null | undefined, options: { maxAgeMs?: number } = {}) {
  const state = { text: CONFIG as string | null, health, down: false, reads: 0, now: T0 };
  const lines: Record<string, unknown>[] = [];
  const read = async (): Promise<ConfigRead | null> => {
    state.reads++;
    if (state.down) throw new Error('ECONNREFUSED');
    return state.text === null ? null : { text: state.text, health: state.health };
  };
  const manager = new ConfigManager({
    source: 'kv',
    read,
    env: {},
    maxAgeMs: options.maxAgeMs,
    now: () => state.now,
    log: (l) => lines.push(l),
  });
  const ignored = () => lines.filter((l) => l.event === 'health_ignored');
  return { state, manager, lines, ignored };
}

describe('Class: ConfigManager, shared health', () => {
  describe('Method: healthAdvice', () => {
    it('is read with the config in the same store call, and asking for it makes no store call', async () => {
      // Prepare
      const { state, manager } = setup(doc(T0));
      await manager.current();
      // Act
      const answers = Array.from({ length: 100 }, () => manager.healthAdvice());
      // Assess
      expect(state.reads).toBe(1);
      expect(answers.every((a) => a.ok && [...a.down].join() === '1')).toBe(true);
    });

    it.each<[string, string | null, RegExp]>([
      ['missing', null, /^health document missing$/],
      ['not JSON', '{"version":1,', /^health document is not JSON$/],
      ['invalid, naming the field', doc(T0, ['1'], { interval_s: 0 }), /^health document invalid: interval_s must be a positive number$/],
      [
        'invalid provider entry',
        doc(T0, ['1'], { providers: { '1': { up: 'no' } } }),
        /^health document invalid: providers\.1\.up must be a boolean$/,
      ],
      ['stale', doc(T0 - 4 * 60_000), /^health document stale: checked 240 s ago \(limit 180 s\)$/],
    ])('a document %s is ignored with one log line, not repeated per request, config unaffected', async (_name, text, problem) => {
      // Prepare
      const { manager, ignored } = setup(text, { maxAgeMs: 1000 });
      // Act: many requests, each asking for the config and the advice
      for (let i = 0; i < 20; i++) {
        await manager.current();
        expect(manager.healthAdvice()).toMatchObject({ ok: false, problem: expect.stringMatching(problem) });
      }
      // Assess
      expect(ignored()).toEqual([
        { level: 'warn', msg: 'health_ignored', event: 'health_ignored', source: 'kv', problem: expect.stringMatching(problem) },
      ]);
      expect(manager.status()).toMatchObject({ source: 'kv', last_error: null });
      expect((await manager.current()).globalPriority).toEqual(['1', '2']);
    });

    it('goes stale as the clock moves, without a new read, and is used again once a fresh one arrives', async () => {
      // Prepare: a document checked now, a config that is not re-read for an hour
      const { state, manager, ignored } = setup(doc(T0), { maxAgeMs: 3_600_000 });
      await manager.current();
      expect(manager.healthAdvice().ok).toBe(true);
      // Act + Assess: just inside three intervals it is still used; just past, ignored (logged once)
      state.now = T0 + HEALTH_DOC.staleIntervals * 60_000;
      expect(manager.healthAdvice().ok).toBe(true);
      state.now += 1;
      expect(manager.healthAdvice()).toMatchObject({ ok: false, problem: expect.stringMatching(/^health document stale/) });
      state.now += 60_000;
      manager.healthAdvice();
      expect(ignored()).toHaveLength(1);
      expect(state.reads).toBe(1);
      // A fresh document with the same config text (the unchanged-config path still takes it)
      state.health = doc(state.now, ['2']);
      await manager.refresh();
      const advice = manager.healthAdvice();
      expect(advice.ok && [...advice.down]).toEqual(['2']);
      expect(ignored()).toHaveLength(1);
    });

    it('logs again when the problem changes, not while it stays', async () => {
      const { state, manager, ignored } = setup(null, { maxAgeMs: 1000 });
      await manager.current();
      manager.healthAdvice();
      state.health = 'not json';
      state.now += 1000;
      await manager.current();
      manager.healthAdvice();
      manager.healthAdvice();
      expect(ignored().map((l) => l.problem)).toEqual(['health document missing', 'health document is not JSON']);
    });

    it('keeps the last document when the store cannot be read (staleness still applies)', async () => {
      const { state, manager } = setup(doc(T0), { maxAgeMs: 1000 });
      await manager.current();
      state.down = true;
      state.now += 1000;
      await manager.current();
      expect(manager.status().last_error).toMatch(/unreachable/);
      expect(manager.healthAdvice().ok).toBe(true);
    });

    it('before any document text arrived: not usable, and nothing logged (no source yet)', async () => {
      const { manager, lines } = setup(undefined);
      await manager.current();
      expect(manager.healthAdvice()).toEqual({ ok: false, problem: 'no health document read yet' });
      expect(lines).toEqual([]);
    });

    it('a reader that reads no health leaves the last one in place', async () => {
      const { state, manager } = setup(doc(T0), { maxAgeMs: 1000 });
      await manager.current();
      state.health = undefined;
      state.now += 1000;
      await manager.current();
      expect(manager.healthAdvice().ok).toBe(true);
    });
  });

  describe('Method: setHealth', () => {
    it('feeds a prober’s document through the same judgement as a read one', async () => {
      // Prepare: a file-like reader that never reads health
      const lines: Record<string, unknown>[] = [];
      let now = T0;
      const manager = new ConfigManager({
        source: 'file',
        read: async () => ({ text: CONFIG }),
        env: {},
        now: () => now,
        log: (l) => lines.push(l),
      });
      await manager.load();
      // Act + Assess
      manager.setHealth(doc(now, ['1', '2']));
      const advice = manager.healthAdvice();
      expect(advice.ok && [...advice.down]).toEqual(['1', '2']);
      manager.setHealth(null);
      expect(manager.healthAdvice()).toMatchObject({ ok: false, problem: 'health document missing' });
      now += 1;
      manager.healthAdvice();
      expect(lines.filter((l) => l.event === 'health_ignored')).toHaveLength(1);
    });
  });

  describe('Method: load', () => {
    it('takes the health text of the first load too', async () => {
      const manager = new ConfigManager({
        source: 'ssm',
        read: async () => ({ text: CONFIG, health: doc(T0) }),
        env: {},
        now: () => T0,
        log: () => {},
      });
      await manager.load();
      expect(manager.healthAdvice().ok).toBe(true);
    });
  });
});
