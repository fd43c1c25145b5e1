import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Folders and files (paths from the repository root) whose test files take longest, in the order
 * to start them: routers under serve, cdk synth, the CLI spawned per test. On a clean clone vitest
 * has no timings and starts the largest files first, which put the conformance files (a few lines
 * each, minutes to run) last, so the run ended on them alone.
 */
export const SLOW_FIRST: readonly string[] = [
  'test/conformance/',
  'test/infra/cdkSynth.test.ts',
  'test/cli/',
  'test/workflows/',
  'test/drill/',
  'test/package/',
  'test/status/',
  'test/infra/',
];

/**
 * `items` reordered so that those whose path starts with an entry of `prefixes` come first, in
 * the order of `prefixes`; within one entry, and for the rest, the given order is kept.
 *
 * @example
 * slowFirst(['test/shared/a.test.ts', 'test/cli/b.test.ts'], (p) => p, ['test/cli/']); // ['test/cli/b.test.ts', 'test/shared/a.test.ts']
 */
export function slowFirst<T>(items: readonly T[], pathOf: (item: T) => string, prefixes: readonly string[] = SLOW_FIRST): T[] {
  const rank = (item: T): number => {
    const path = pathOf(item);
    const index = prefixes.findIndex((prefix) => path.startsWith(prefix));
    return index < 0 ? prefixes.length : index;
  };
  // Array.prototype.sort is stable: equal ranks keep the given order.
  return [...items].sort((a, b) => rank(a) - rank(b));
}

/** `file` relative to the repository root, with forward slashes. */
function repoPath(file: string): string {
  return relative(REPO_ROOT, file).split('\\').join('/');
}

/**
 * Vitest's own order (failed first, then longest by the last run's timings, else largest), with the
 * files of {@link SLOW_FIRST} moved to the front, so that a clean clone too starts the long files
 * first and the short unit tests fill the gaps at the end.
 *
 * @example
 * // vitest.config.ts
 * test: { sequence: { sequencer: SlowFirstSequencer } }
 */
export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return slowFirst(await super.sort(files), (spec) => repoPath(spec.moduleId));
  }
}
