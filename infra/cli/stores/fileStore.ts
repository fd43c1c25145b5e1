import { randomBytes } from 'node:crypto';
import { readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { contentVersion } from '../../../shared/index.ts';
import { StoreConflictError, StoreUnavailableError } from '../../kit/errors.ts';
import type { ConfigStore, StoredConfig } from './configStore.ts';

/**
 * The config file a local router watches (`--config FILE`). Writes are atomic (a temp file in the
 * same folder, then rename), so a router's watcher never reads half a file; the version is a
 * content hash, checked again just before the rename.
 */
export class FileStore implements ConfigStore {
  readonly target = 'file' as const;
  readonly remote = false;
  readonly label: string;
  readonly path: string;

  /** @param path - absolute path of the config file */
  constructor(path: string) {
    this.path = path;
    this.label = `file ${path}`;
  }

  async read(): Promise<StoredConfig | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StoreUnavailableError(`cannot read ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    const modified = await stat(this.path).then(
      (s) => s.mtime,
      () => undefined,
    );
    return { text, version: contentVersion(text), ...(modified ? { modified } : {}) };
  }

  async write(text: string, expected: string | null): Promise<string> {
    // Through a symlink, replace the file it points to, not the link.
    const file = await realpath(this.path).catch(() => this.path);
    const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      // Keep the file's permissions: the temp file replaces it whole.
      const mode = await stat(file).then(
        (s) => s.mode & 0o777,
        () => 0o644,
      );
      await writeFile(temp, text, { mode, flush: true });
      const current = await this.read();
      if ((current?.version ?? null) !== expected) {
        throw new StoreConflictError(`${this.path} changed since it was read; nothing written (run the command again)`);
      }
      await rename(temp, file);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      if (error instanceof StoreConflictError || error instanceof StoreUnavailableError) throw error;
      throw new StoreUnavailableError(`cannot write ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    return contentVersion(text);
  }
}
