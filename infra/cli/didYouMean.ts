import { closest } from '../../shared/schemaKit.ts';

/**
 * The candidate closest to a mistyped word, when one is close enough to be what the user meant:
 * at most one edit for short words, two for longer ones, or a unique prefix (`val` -> `validate`).
 * The same rule as a config's "unknown key" suggestion: one implementation, in `shared/schemaKit.ts`.
 *
 * @example
 * didYouMean('flp', ['flip', 'show']) // 'flip'
 * didYouMean('--dryrun', ['--dry-run', '--yes']) // '--dry-run'
 * didYouMean('deploy', ['flip', 'show']) // undefined
 */
export const didYouMean: (input: string, candidates: readonly string[]) => string | undefined = closest;

/** ` (did you mean 'flip'?)`, or '' when nothing is close. */
export function didYouMeanHint(input: string, candidates: readonly string[]): string {
  const match = didYouMean(input, candidates);
  return match === undefined ? '' : ` (did you mean '${match}'?)`;
}
