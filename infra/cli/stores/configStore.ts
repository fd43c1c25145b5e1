/**
 * A place a route config is stored (file, SSM parameter, KV key), as `flip`, `show`, `push`,
 * `history` and `rollback` see it. Each store only reads and writes text; validation, diffing and
 * printing are the commands' job.
 */

/** The config as a store holds it. */
export interface StoredConfig {
  /** Raw JSON text exactly as stored. */
  text: string;
  /** The store's version (SSM parameter version, a content hash for file and KV). */
  version: string;
  /** When it was last changed, when the store knows. */
  modified?: Date;
}

/** One earlier value of a versioned store (SSM). */
export interface StoredVersion extends StoredConfig {
  /** Who wrote it, when the store knows. */
  author?: string;
}

/** Target names accepted by `--target`. */
export const TARGET_NAMES = ['file', 'ssm', 'kv'] as const;

/** One of {@link TARGET_NAMES}. */
export type TargetName = (typeof TARGET_NAMES)[number];

/** A config store. */
export interface ConfigStore {
  readonly target: TargetName;
  /** How the store is named in output, e.g. `file ./route-config.json` or `ssm /hadoku-route/route-config`. */
  readonly label: string;
  /** Whether writing needs `--yes` (or a "y" at the prompt): anything that is not a local file. */
  readonly remote: boolean;
  /**
   * The current config, or `null` when the store answered that there is none (no file, no
   * parameter, no key).
   * @throws {StoreUnavailableError} when the store cannot be reached
   */
  read(): Promise<StoredConfig | null>;
  /**
   * Writes `text`, unless the store no longer holds `expected` (the version read before, `null` =
   * it did not exist): a concurrent change must not be silently lost.
   * @throws {StoreConflictError} when the store changed since `expected`
   * @throws {StoreUnavailableError} when the store cannot be reached
   * @returns the new version
   */
  write(text: string, expected: string | null): Promise<string>;
  /** Every stored version, oldest first; only versioned stores have it. */
  history?(): Promise<StoredVersion[]>;
}
