/**
 * Parses a `Cache-Control` value into its directives, lower-cased: `true` for a bare directive,
 * the (unquoted) argument otherwise. Commas inside a quoted argument (`no-cache="a, b"`) do not
 * split directives. The first occurrence of a directive wins.
 *
 * @example
 * cacheControl('public, max-age=60, no-cache="Set-Cookie"');
 * // Map { 'public' => true, 'max-age' => '60', 'no-cache' => 'Set-Cookie' }
 */
export function cacheControl(value: string | null): Map<string, string | true> {
  const directives = new Map<string, string | true>();
  if (!value) return directives;
  for (const match of value.matchAll(/([^,=\s]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^,]*))?/g)) {
    const name = match[1].toLowerCase();
    if (directives.has(name)) continue;
    const raw = match[2]?.trim();
    directives.set(name, raw === undefined ? true : raw.startsWith('"') ? raw.slice(1, -1) : raw);
  }
  return directives;
}

/**
 * A delta-seconds argument (`max-age=60`) as a number; `undefined` when the directive is absent
 * or its argument is not a non-negative integer (such a directive is ignored, RFC 9111 1.2.2).
 *
 * @example
 * deltaSeconds(cacheControl('max-age=60'), 'max-age'); // 60
 */
export function deltaSeconds(directives: Map<string, string | true>, name: string): number | undefined {
  const value = directives.get(name);
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}
