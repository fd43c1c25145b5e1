import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { ConfigManager, type Env } from '../../shared/index.ts';

/** Options of {@link createFileConfig}. */
export interface FileConfigOptions {
  /** The JSON file (`--config`). */
  file: string;
  env: Env;
  /** Where rejected reloads are reported. */
  log?: (line: Record<string, unknown>) => void;
}

/** A file-backed {@link ConfigManager} and the watcher that keeps it fresh. */
export interface FileConfig {
  manager: ConfigManager;
  /** Stops watching the file. */
  close(): Promise<void>;
}

/**
 * The local router's config source: the JSON file, re-read when it changes. The directory is
 * watched rather than the file, so an atomic write (temp file + rename, as `hadoku-route flip`
 * does) is seen like an in-place edit; a half-written file fails validation, keeps the last good
 * config and is reported as `last_error` until the write completes and triggers another read.
 *
 * @throws {ConfigValidationError} when the file is invalid at start (the router refuses to start)
 */
export async function createFileConfig(opts: FileConfigOptions): Promise<FileConfig> {
  const file = path.resolve(opts.file);
  const manager = new ConfigManager({
    source: 'file',
    env: opts.env,
    log: opts.log,
    read: async () => {
      return { text: await readFile(file, 'utf8') };
    },
  });
  await manager.load();
  const watcher: FSWatcher = watch(path.dirname(file), {
    depth: 0,
    ignoreInitial: true,
    ignored: (candidate: string) => candidate !== path.dirname(file) && path.resolve(candidate) !== file,
  });
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    // Editors and `flip` emit several events per save: coalesce them into one read.
    clearTimeout(timer);
    timer = setTimeout(() => void manager.refresh(), 25);
  };
  watcher.on('add', reload).on('change', reload).on('unlink', reload);
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    manager,
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
