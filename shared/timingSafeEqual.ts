/**
 * Compares two strings in time that depends only on their lengths, so the edge auth check does
 * not leak how much of a guessed secret was right.
 */
export function timingSafeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a.charCodeAt(i % Math.max(1, a.length)) || 0) ^ b.charCodeAt(i);
  return diff === 0 && a.length === b.length;
}
