/**
 * A `Content-Length` value as a byte count: `null` when there is none, `undefined` when it is not
 * one whole number (a list, a sign, a fraction), which no reader may trust.
 *
 * @example
 * declaredLength(headers.get('content-length')); // 17, null or undefined
 */
export function declaredLength(value: string | null): number | null | undefined {
  if (value === null) return null;
  return /^\s*\d+\s*$/.test(value) ? Number(value) : undefined;
}
