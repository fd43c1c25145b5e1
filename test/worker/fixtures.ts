/** Body the upstream's compressed endpoints encode, so tests can compare the decoded text. */
export const COMPRESSIBLE_TEXT = 'hadoku route fallback '.repeat(64);
