import { describe, expect, it, vi } from 'vitest';
import { ConfigManager, ConfigSourceError, ConfigUnavailableError, ConfigValidationError, type ConfigRead } from '../../shared/index.ts';

const good = (priority = '1') =>
  JSON.stringify({ providers: { '1': 'http://one.test', '2': 'http://two.test' }, global_priority: priority });

function store(initial: string | null) {
  const state = { value: initial as string | null, down: false, reads: 0 };
  const read = async (): Promise<ConfigRead | null> => {
    state.reads += 1;
    if (state.down) throw new Error('ECONNREFUSED');
    return state.value === null ? null : { text: state.value };
  };
  return { state, read };
}

describe('Class: ConfigManager (SPEC 7)', () => {
  describe('Method: current', () => {
    it('reads the store at most once per max-age, even under concurrent calls', async () => {
      // Prepare
      let now = 0;
      const { state, read } = store(good());
      const manager = new ConfigManager({ source: 'kv', read, env: {}, maxAgeMs: 10_000, now: () => now, log: () => {} });
      // Act
      await Promise.all(Array.from({ length: 50 }, () => manager.current()));
      now = 9_999;
      await manager.current();
      // Assess
      expect(state.reads).toBe(1);
      now = 10_000;
      state.value = good('2');
      expect((await manager.current()).globalPriority).toEqual(['2']);
      expect(state.reads).toBe(2);
    });

    it('keeps the last good config when the store fails or holds an invalid config, and backs off', async () => {
      let now = 0;
      const { state, read } = store(good('1'));
      const manager = new ConfigManager({ source: 'ssm', read, env: {}, maxAgeMs: 1000, now: () => now, log: () => {} });
      await manager.current();
      state.down = true;
      now = 1000;
      expect((await manager.current()).globalPriority).toEqual(['1']);
      expect(manager.status().last_error).toMatch(/ssm store unreachable/);
      const readsDuringOutage = state.reads;
      for (let i = 0; i < 20; i++) await manager.current();
      expect(state.reads).toBe(readsDuringOutage); // no store call per request during an outage
      state.down = false;
      state.value = '{"providers": {"1": "nope"}}';
      now = 2000;
      expect((await manager.current()).globalPriority).toEqual(['1']);
      expect(manager.status().last_error).toMatch(/providers\.1/);
      state.value = good('2');
      now = 3000;
      expect((await manager.current()).globalPriority).toEqual(['2']);
      expect(manager.status()).toMatchObject({ source: 'ssm', last_error: null });
    });

    it('falls back to the baked config on a cold start, then to the store once it answers', async () => {
      let now = 0;
      const { state, read } = store(null);
      state.down = true;
      const manager = new ConfigManager({ source: 'kv', read, env: {}, maxAgeMs: 1000, now: () => now, baked: good('2'), log: () => {} });
      expect((await manager.current()).globalPriority).toEqual(['2']);
      expect(manager.status().source).toBe('baked');
      state.down = false;
      state.value = good('1');
      now = 1000;
      expect((await manager.current()).globalPriority).toEqual(['1']);
      expect(manager.status().source).toBe('kv');
    });

    it('throws ConfigUnavailableError when nothing valid is known', async () => {
      const { read } = store('{');
      const manager = new ConfigManager({ source: 'kv', read, env: {}, log: () => {} });
      await expect(manager.current()).rejects.toBeInstanceOf(ConfigUnavailableError);
    });

    it('a store that is emptied keeps the last good config and names the problem', async () => {
      let now = 0;
      const { state, read } = store(good('2'));
      const manager = new ConfigManager({ source: 'kv', read, env: {}, maxAgeMs: 1000, now: () => now, log: () => {} });
      await manager.current();
      state.value = null;
      now = 1000;
      expect((await manager.current()).globalPriority).toEqual(['2']);
      expect(manager.status()).toMatchObject({ source: 'kv', last_error: 'no config found in the kv store' });
    });

    it('an invalid baked config is reported (never silently used) and nothing valid is known', async () => {
      const lines: Record<string, unknown>[] = [];
      const manager = new ConfigManager({
        source: 'kv',
        read: async () => null,
        env: {},
        baked: '{"providers": 1}',
        log: (l) => lines.push(l),
      });
      await expect(manager.current()).rejects.toBeInstanceOf(ConfigUnavailableError);
      expect(lines.map((l) => l.msg)).toEqual(['config_rejected', 'baked_config_invalid']);
      expect(lines[1]).toMatchObject({ level: 'error', cause: '' });
    });

    it('without a log option, a rejected reload is written to console.error as one JSON line', async () => {
      const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        const manager = new ConfigManager({ source: 'ssm', read: async () => null, env: {} });
        await expect(manager.current()).rejects.toBeInstanceOf(ConfigUnavailableError);
        expect(spy).toHaveBeenCalledTimes(1);
        expect(JSON.parse(String(spy.mock.calls[0]![0]))).toMatchObject({
          level: 'warn',
          msg: 'config_rejected',
          source: 'ssm',
          keeping: null,
        });
      } finally {
        spy.mockRestore();
      }
    });
  });

  describe('Method: refresh', () => {
    it('a change signalled while a read is in flight gets a read of its own (no lost edit)', async () => {
      // Prepare: a store whose first read is slow and sees the old value
      let value = good('1');
      let release!: () => void;
      let reads = 0;
      const read = async (): Promise<ConfigRead> => {
        reads += 1;
        const seen = value;
        if (reads === 2) await new Promise<void>((r) => (release = r));
        return { text: seen };
      };
      const manager = new ConfigManager({ source: 'file', read, env: {}, log: () => {} });
      await manager.load();
      // Act: an edit starts a read; a second edit lands while it is still in flight
      const first = manager.refresh();
      value = good('2');
      const second = manager.refresh();
      release();
      await Promise.all([first, second]);
      // Assess
      expect(reads).toBe(3);
      expect((await manager.current()).globalPriority).toEqual(['2']);
    });
  });

  describe('Method: load', () => {
    it('throws every validation error for a runtime that must refuse to start', async () => {
      const { read } = store('{"providers": {"1": "nope"}, "global_priority": "9"}');
      const manager = new ConfigManager({ source: 'file', read, env: {} });
      const error = await manager.load().catch((e) => e);
      expect(error).toBeInstanceOf(ConfigValidationError);
      expect(error.errors).toHaveLength(2);
    });

    it.each<[string, () => Promise<ConfigRead | null>, string]>([
      ['an unreadable store', async () => Promise.reject(new Error('EACCES')), 'cannot read the file config: EACCES'],
      ['an empty store', async () => null, 'no config found in the file store'],
    ])('throws ConfigSourceError for %s', async (_name, read, message) => {
      const manager = new ConfigManager({ source: 'file', read, env: {} });
      const error = await manager.load().catch((e) => e);
      expect(error).toBeInstanceOf(ConfigSourceError);
      expect(error.message).toBe(message);
    });
  });
});

describe('Class: ConfigManager, the environment changing under the same text (a rotated secret)', () => {
  // The config fills ${KEY} from env; the reader says which version of env it filled from.
  const text = JSON.stringify({
    providers: { '1': 'http://one.test' },
    global_priority: '1',
    routes: { task: { priority: '1', auth: { header: 'X-Key', value: '${KEY}' } } },
  });
  function rotating() {
    const env: Record<string, string> = { KEY: 'first' };
    const state = { envVersion: '0', reads: 0 };
    const read = async (): Promise<ConfigRead> => {
      state.reads += 1;
      return { text, envVersion: state.envVersion };
    };
    let now = 0;
    const manager = new ConfigManager({ source: 'ssm', read, env, maxAgeMs: 1000, now: () => now, log: () => {} });
    return { env, state, manager, later: () => (now += 1000) };
  }
  const keyOf = async (manager: ConfigManager) => (await manager.current()).routes.get('task')?.auth?.value;

  it.each([
    { name: 'a new envVersion: parsed again with the new value', rotate: true, key: 'second' },
    { name: 'the same envVersion: not parsed again (the common case on every max-age)', rotate: false, key: 'first' },
  ])('$name', async ({ rotate, key }) => {
    const { env, state, manager, later } = rotating();
    expect(await keyOf(manager)).toBe('first');
    env.KEY = 'second';
    if (rotate) state.envVersion = '1';
    later();
    expect(await keyOf(manager)).toBe(key);
    expect(state.reads).toBe(2);
  });

  it('a rotated value that does not validate keeps the last good config and its error on the next reads', async () => {
    const { env, state, manager, later } = rotating();
    await manager.current();
    env.KEY = '';
    state.envVersion = '1';
    for (let i = 0; i < 2; i++) {
      later();
      expect(await keyOf(manager)).toBe('first');
      expect(manager.status().last_error).toMatch(/rejected ssm config/);
    }
  });
});
