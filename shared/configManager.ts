import { ConfigSourceError, ConfigUnavailableError, ConfigValidationError } from './errors.ts';
import { readHealthDocument, staleAt, type HealthAdvice } from './healthDocument.ts';
import { parseConfig, type RouteConfigSnapshot } from './parseConfig.ts';
import type { ConfigRead, ConfigReader, ConfigSourceName, Env } from './types.ts';

/** Options of {@link ConfigManager}. */
export interface ConfigManagerOptions {
  /** Store name shown as `source` in `/_config/route`. */
  source: Exclude<ConfigSourceName, 'baked'>;
  /** Reads the raw config from the store. */
  read: ConfigReader;
  /** `${VAR}` values and priority overrides. */
  env: Env;
  /**
   * How long a loaded config is used before the store is read again; also how long a failed read
   * backs off, so an outage does not turn into one store call per request.
   * @default Infinity (re-read only on {@link ConfigManager.refresh}, e.g. from a file watcher)
   */
  maxAgeMs?: number;
  /** Config text baked into the bundle at build time: the cold-start fallback. */
  baked?: string;
  /** @default Date.now */
  now?: () => number;
  /** Where rejected reloads and ignored health documents are reported. @default console.error as JSON */
  log?: (line: Record<string, unknown>) => void;
}

/** What {@link ConfigManager.healthAdvice} answers before any health document text arrived. */
const NO_HEALTH_YET: HealthAdvice = { ok: false, problem: 'no health document read yet' };

/** One judgement of one health text, kept until the text changes or, when usable, until it goes stale. */
interface HealthJudgement {
  text: string | null;
  advice: HealthAdvice;
  /** Wall time (ms) after which the text must be judged again. */
  until: number;
}

/** What `/_config/route` shows about where the config came from. */
export interface ConfigStatus {
  source: ConfigSourceName;
  version: string | null;
  loaded_at: string | null;
  last_error: string | null;
}

/**
 * The one owner of config freshness: reads the store when the loaded config is older than
 * `maxAgeMs` (one read at a time), validates, swaps whole, and keeps the last good config when a
 * read fails or returns an invalid config. On a cold start with nothing good it falls back to the
 * baked config. Each store only provides a small `read` function.
 *
 * @example
 * const manager = new ConfigManager({ source: 'kv', read: async () => ({ text: await kv.get('route-config') }), env, maxAgeMs: 10_000 });
 * const config = await manager.current();
 */
export class ConfigManager {
  readonly #opts: ConfigManagerOptions;
  readonly #now: () => number;
  readonly #maxAgeMs: number;
  #snapshot: RouteConfigSnapshot | undefined;
  /** What the snapshot was parsed from: the text and the environment's version (a rotated secret changes only the latter). */
  #snapshotInput: string | undefined;
  #status: ConfigStatus;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #inflight: Promise<void> | undefined;
  #rerun: Promise<void> | undefined;
  /** The latest shared health text: `undefined` until a reader or a prober supplied one. */
  #healthText: string | null | undefined;
  #health: HealthJudgement | undefined;

  constructor(opts: ConfigManagerOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#maxAgeMs = opts.maxAgeMs ?? Number.POSITIVE_INFINITY;
    this.#status = { source: opts.source, version: null, loaded_at: null, last_error: null };
  }

  /**
   * The current valid config, re-reading the store first when it is older than `maxAgeMs`.
   * @throws {ConfigUnavailableError} when no valid config is known at all
   */
  async current(): Promise<RouteConfigSnapshot> {
    // Concurrent callers share one read: a busy instance reads the store at most once per max-age.
    if (this.#snapshot === undefined || this.#now() - this.#checkedAt >= this.#maxAgeMs) await this.#readOnce();
    if (this.#snapshot === undefined) {
      throw new ConfigUnavailableError('Routing configuration not found', { cause: this.#status.last_error });
    }
    return this.#snapshot;
  }

  /**
   * Re-reads the store with a read that starts after this call (a file watcher calls it on every
   * change: a read already in flight may have seen the previous content, so one more follows it).
   * Never throws: a bad read keeps the last good config and sets `last_error`.
   */
  refresh(): Promise<void> {
    if (!this.#inflight) return this.#readOnce();
    this.#rerun ??= this.#inflight.then(() => {
      this.#rerun = undefined;
      return this.#readOnce();
    });
    return this.#rerun;
  }

  #readOnce(): Promise<void> {
    this.#inflight ??= this.#reload().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  /**
   * First load for a runtime that refuses to start without a valid config (local router).
   * @throws {ConfigValidationError} listing every problem, or {@link ConfigSourceError} when unreadable
   */
  async load(): Promise<RouteConfigSnapshot> {
    this.#checkedAt = this.#now();
    let read: ConfigRead | null;
    try {
      read = await this.#opts.read();
    } catch (error) {
      throw new ConfigSourceError(`cannot read the ${this.#opts.source} config: ${(error as Error).message}`, { cause: error });
    }
    if (read === null) throw new ConfigSourceError(`no config found in the ${this.#opts.source} store`);
    this.#takeHealth(read);
    this.#accept(parseConfig(read.text, this.#opts.env, read.version), inputOf(read), this.#opts.source);
    return this.#snapshot!;
  }

  /** Where the config came from and the last rejected reload. */
  status(): ConfigStatus {
    return { ...this.#status };
  }

  /**
   * Feeds in a shared health document's text from outside the config read (the local router's
   * in-process prober): from here on it is judged exactly like one a reader returned.
   *
   * @example
   * manager.setHealth(JSON.stringify(await probeHealth(await manager.current(), { fetch, by: 'local' })));
   */
  setHealth(text: string | null): void {
    this.#healthText = text;
  }

  /**
   * The shared health document as advice for the next request, judged now (a document goes stale
   * as the clock moves, without a new read). No store call: the text came with the last config
   * read or from {@link ConfigManager.setHealth}. A document that cannot be used is reported once
   * (`{"event":"health_ignored","problem":...}`), never fatal and never touching `last_error`.
   *
   * @example
   * const advice = manager.healthAdvice();
   * const markedDown = advice.ok ? advice.down : undefined;
   */
  healthAdvice(): HealthAdvice {
    if (this.#healthText === undefined) return NO_HEALTH_YET;
    const now = this.#now();
    const kept = this.#health;
    if (kept !== undefined && kept.text === this.#healthText && now <= kept.until) return kept.advice;
    // Parsed once per text, not per request; judged again only when a usable document may have gone stale.
    const advice = readHealthDocument(this.#healthText, now);
    this.#health = { text: this.#healthText, advice, until: advice.ok ? staleAt(advice.doc) : Number.POSITIVE_INFINITY };
    if (!advice.ok)
      this.#log({ level: 'warn', msg: 'health_ignored', event: 'health_ignored', source: this.#opts.source, problem: advice.problem });
    return advice;
  }

  #takeHealth(read: ConfigRead): void {
    if (read.health !== undefined) this.#healthText = read.health;
  }

  #log(line: Record<string, unknown>): void {
    (this.#opts.log ?? ((l) => console.error(JSON.stringify(l))))(line);
  }

  async #reload(): Promise<void> {
    this.#checkedAt = this.#now();
    let read: ConfigRead | null;
    try {
      read = await this.#opts.read();
    } catch (error) {
      return this.#reject(`${this.#opts.source} store unreachable: ${(error as Error).message}`, error);
    }
    if (read === null) return this.#reject(`no config found in the ${this.#opts.source} store`);
    this.#takeHealth(read);
    const input = inputOf(read);
    // Same text and environment as the loaded one: nothing to parse or swap (the common case on every max-age).
    if (input === this.#snapshotInput && this.#status.source === this.#opts.source) {
      this.#status.last_error = null;
      return;
    }
    try {
      this.#accept(parseConfig(read.text, this.#opts.env, read.version), input, this.#opts.source);
    } catch (error) {
      const reason = error instanceof ConfigValidationError ? error.errors.join('; ') : (error as Error).message;
      this.#reject(`rejected ${this.#opts.source} config: ${reason}`, error);
    }
  }

  #accept(snapshot: RouteConfigSnapshot, input: string, source: ConfigSourceName): void {
    this.#snapshot = snapshot;
    this.#snapshotInput = input;
    this.#status = { source, version: snapshot.version, loaded_at: new Date(this.#now()).toISOString(), last_error: null };
  }

  #reject(reason: string, cause?: unknown): void {
    this.#status.last_error = reason;
    this.#log({
      level: 'warn',
      msg: 'config_rejected',
      source: this.#opts.source,
      reason,
      keeping: this.#snapshot ? this.#status.source : null,
    });
    if (this.#snapshot === undefined && this.#opts.baked !== undefined) {
      try {
        this.#accept(parseConfig(this.#opts.baked, this.#opts.env), inputOf({ text: this.#opts.baked }), 'baked');
        this.#status.last_error = reason;
      } catch (error) {
        this.#log({ level: 'error', msg: 'baked_config_invalid', reason: (error as Error).message, cause: String(cause ?? '') });
      }
    }
  }
}

/** The text a read gives, tagged with the version of the environment its `${VAR}`s are filled from. */
function inputOf(read: ConfigRead): string {
  return read.envVersion === undefined ? read.text : `${read.envVersion}\u0000${read.text}`;
}
