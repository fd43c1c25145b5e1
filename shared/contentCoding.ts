/**
 * `Accept-Encoding` as the edge cache needs it (SPEC 6): one normal form for the cache key, and
 * the check that an encoded entry only ever goes to a client that accepts its encoding.
 */

/** Content codings the router passes on (it never transcodes); the key names which of them a client accepts. */
const SERVED_CODINGS = ['br', 'deflate', 'gzip', 'zstd'] as const;

/** Legacy spellings RFC 9110 8.4.1 says to treat as their modern coding. */
const ALIASES: Record<string, string> = { 'x-gzip': 'gzip', 'x-compress': 'compress' };

/** The codings a client named with a q above 0 (`accepted`), those it refused with `q=0`, and whether `*` was accepted. */
interface AcceptEncoding {
  accepted: Set<string>;
  refused: Set<string>;
  star: boolean;
}

function parse(header: string | null): AcceptEncoding {
  const accepted = new Set<string>();
  const refused = new Set<string>();
  let star = false;
  for (const part of (header ?? '').split(',')) {
    const [rawName, ...params] = part.split(';');
    const name = canonical(rawName);
    if (!name) continue;
    const q = params.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
    const zero = q !== undefined && Number(q) === 0;
    if (name === '*') star = !zero;
    else (zero ? refused : accepted).add(name);
  }
  return { accepted, refused, star };
}

function canonical(name: string): string {
  const lower = name.trim().toLowerCase();
  return ALIASES[lower] ?? lower;
}

function accepts(client: AcceptEncoding, coding: string): boolean {
  return client.accepted.has(coding) || (client.star && !client.refused.has(coding));
}

/**
 * `Accept-Encoding` in one normal form, for the cache key: which of the codings the router
 * serves the client accepts, sorted. Two spellings of the same preference share one entry.
 *
 * @example
 * normaliseAcceptEncoding('gzip;q=0.8, BR, identity'); // 'br,gzip'
 * normaliseAcceptEncoding('gzip;q=0');                  // ''
 */
export function normaliseAcceptEncoding(header: string | null): string {
  const client = parse(header);
  return SERVED_CODINGS.filter((coding) => accepts(client, coding)).join(',');
}

/**
 * May an answer with this `Content-Encoding` go to a client that sent this `Accept-Encoding`?
 * Every coding applied must be accepted; no `Content-Encoding` (or `identity`) always may.
 *
 * @example
 * acceptsContentEncoding(null, 'gzip');        // false
 * acceptsContentEncoding('gzip, br', 'gzip');  // true
 */
export function acceptsContentEncoding(acceptEncoding: string | null, contentEncoding: string | null): boolean {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map(canonical)
    .filter((c) => c && c !== 'identity');
  if (codings.length === 0) return true;
  const client = parse(acceptEncoding);
  return codings.every((coding) => accepts(client, coding));
}
