/**
 * The candidate closest to a mistyped word, when one is close enough to be what the user meant:
 * at most one edit for short words, two for longer ones, or a unique prefix (`val` -> `validate`).
 *
 * @example
 * didYouMean('flp', ['flip', 'show']) // 'flip'
 * didYouMean('--dryrun', ['--dry-run', '--yes']) // '--dry-run'
 * didYouMean('deploy', ['flip', 'show']) // undefined
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const word = input.toLowerCase();
  // Words of four characters or fewer only get one edit: 'show' -> 'shop' is a guess, not a typo.
  const allowed = word.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  if (best !== undefined) return best;
  const prefixed = candidates.filter((c) => word.length >= 3 && c.toLowerCase().startsWith(word));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** ` (did you mean 'flip'?)`, or '' when nothing is close. */
export function didYouMeanHint(input: string, candidates: readonly string[]): string {
  const match = didYouMean(input, candidates);
  return match === undefined ? '' : ` (did you mean '${match}'?)`;
}

// Levenshtein distance, counting a swap of two neighbours (`filp`) as one edit.
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
