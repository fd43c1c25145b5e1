import { readdirSync, readFileSync, symlinkSync, lstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreConflictError } from '../../infra/kit/errors.ts';
import { FileStore } from '../../infra/cli/stores/fileStore.ts';
import { tempDir } from './cliProcess.ts';

describe('Class: FileStore', () => {
  describe('Method: write', () => {
    it('replaces the file whole and returns the new version', async () => {
      // Prepare
      const dir = tempDir();
      const path = join(dir, 'route-config.json');
      writeFileSync(path, '{"a":1}\n');
      const store = new FileStore(path);
      const current = await store.read();
      // Act
      const version = await store.write('{"a":2}\n', current!.version);
      // Assess
      expect(readFileSync(path, 'utf8')).toBe('{"a":2}\n');
      expect((await store.read())!.version).toBe(version);
      expect(readdirSync(dir)).toEqual(['route-config.json']);
    });

    it('refuses when the file changed since it was read, keeping the other change', async () => {
      const dir = tempDir();
      const path = join(dir, 'route-config.json');
      writeFileSync(path, '{"a":1}\n');
      const store = new FileStore(path);
      const read = await store.read();
      writeFileSync(path, '{"a":"theirs"}\n');
      await expect(store.write('{"a":"ours"}\n', read!.version)).rejects.toBeInstanceOf(StoreConflictError);
      expect(readFileSync(path, 'utf8')).toBe('{"a":"theirs"}\n');
      expect(readdirSync(dir)).toEqual(['route-config.json']);
    });

    it('refuses to create a file someone else created meanwhile', async () => {
      const dir = tempDir();
      const path = join(dir, 'new.json');
      const store = new FileStore(path);
      expect(await store.read()).toBeNull();
      writeFileSync(path, '{}');
      await expect(store.write('{"a":1}', null)).rejects.toBeInstanceOf(StoreConflictError);
    });

    it('writes through a symlink, keeping the link', async () => {
      const dir = tempDir();
      const real = join(dir, 'real.json');
      const link = join(dir, 'route-config.json');
      writeFileSync(real, '{"a":1}\n');
      symlinkSync(real, link);
      const store = new FileStore(link);
      await store.write('{"a":2}\n', (await store.read())!.version);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readFileSync(real, 'utf8')).toBe('{"a":2}\n');
    });
  });
});
