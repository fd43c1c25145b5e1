/**
 * A short, stable version string for a config text (FNV-1a, 2 x 32 bits). Synchronous on
 * purpose: `crypto.subtle` is async and `node:crypto` is not available in every runtime.
 */
export function contentVersion(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
