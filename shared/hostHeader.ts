/**
 * A `Host` value the router accepts: `host[:port]`, where host is a DNS-style name, an IPv4
 * address or a bracketed IPv6 literal. Stricter than RFC 3986's reg-name on purpose: sub-delims
 * (`,` `;` `=`...) have no business in a real host name, and a comma is what two joined Host
 * headers look like.
 */
const HOST = /^(?:[A-Za-z0-9_~-](?:[A-Za-z0-9._~-]*[A-Za-z0-9_~-])?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

/**
 * Why the `Host` header(s) of a request are not acceptable, or `null` when they are (SPEC 3.0).
 * `Host` is never used to build the request's URL; it is only reported (`X-Forwarded-Host`), so
 * the check is about refusing nonsense with a 400 instead of passing it on.
 *
 * @param values - every `Host` header the request carried, as received (none is fine: HTTP/1.0)
 * @returns a short reason naming the problem, without echoing the value
 * @example
 * hostHeaderProblem(['example.com:8080']); // null
 * hostHeaderProblem(['h/open/api/x?']);    // 'Host is not a valid host[:port]'
 * hostHeaderProblem(['a', 'b']);           // 'more than one Host header'
 */
export function hostHeaderProblem(values: readonly string[]): string | null {
  if (values.length === 0) return null;
  if (values.length > 1) return 'more than one Host header';
  const match = HOST.exec(values[0]!.trim());
  if (match === null) return 'Host is not a valid host[:port]';
  if (match[1] !== undefined && Number(match[1]) > 65535) return 'Host port is out of range';
  return null;
}
