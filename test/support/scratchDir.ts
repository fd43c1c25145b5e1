import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let current: string | undefined;

/**
 * The running test file's scratch directory, made on first use and removed after the file's
 * tests by {@link removeScratchDir} (registered for every file in `test/support/perFile.ts`).
 * A helper module cannot register that hook itself: test files share one module cache per
 * worker (`isolate: false`), so a helper is evaluated once for all the files that import it.
 *
 * @example
 * const file = join(scratchDir(), 'route-config.json');
 */
export function scratchDir(): string {
  current ??= mkdtempSync(join(tmpdir(), 'hadoku-test-'));
  return current;
}

/** Removes the scratch directory of the file that just ran, if it made one. */
export function removeScratchDir(): void {
  if (current !== undefined) rmSync(current, { recursive: true, force: true });
  current = undefined;
}
