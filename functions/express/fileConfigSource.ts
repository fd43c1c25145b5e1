import { watch } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigManager, type Env } from '../../shared/index.ts';

/** Options of {@link createFileConfig}. */
export interface FileConfigOptions {
  /** The JSON file (`--config`). */
  file: string;
  env: Env;
  /** Where rejected reloads are reported. */
  log?: (line: Record<string, unknown>) => void;
}

/** How often the file is stat'ed in case a watcher event was lost. */
const STAT_POLL_MS = 500;

// Size, mtime and inode: any write or rename changes at least one of them.
async function fingerprint(file: string): Promise<string> {
  try {
    const info = await stat(file);
    return `${info.size}:${info.mtimeMs}:${info.ino}`;
  } catch {
    return 'missing';
  }
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
 * Events for other files of the folder are dropped by name, before any file system call: a log
 * written beside the config (`serve > router.log`) costs nothing per write (chokidar's stat and
 * directory scan per event took ~10% of the router's CPU under load).
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
  let timer: NodeJS.Timeout | undefined;
  let seen = await fingerprint(file);
  const reload = () => {
    // Editors and `flip` emit several events per save: coalesce them into one read.
    clearTimeout(timer);
    timer = setTimeout(() => {
      void fingerprint(file).then((now) => (seen = now));
      void manager.refresh();
    }, 25);
  };
  const name = path.basename(file);
  // A null name (some platforms, or an overflowed event queue) may be ours: the read decides.
  const watcher = watch(path.dirname(file), { persistent: false }, (_event, changed) => {
    if (changed === null || changed === name) reload();
  });
  // A folder deleted or unmounted under us: the stat poll below still sees the file come back.
  watcher.on('error', () => watcher.close());
  // Safety net under the watcher: file events can be coalesced or dropped on a busy machine (two
  // saves in quick succession), so a cheap stat every half second catches any change they missed
  // and keeps the "within 1 s" promise.
  const poll = setInterval(() => {
    void fingerprint(file).then((now) => {
      if (now !== seen) reload();
    });
  }, STAT_POLL_MS);
  poll.unref();
  return {
    manager,
    async close() {
      clearInterval(poll);
      clearTimeout(timer);
      watcher.close();
    },
  };
}
