/** Hop-by-hop headers (RFC 9110 7.6.1) that a proxy must not forward, besides those `Connection` names. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-connection']);

function isHopByHop(name: string, named: ReadonlySet<string>): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith('proxy-') || named.has(name);
}

function connectionNamed(headers: Headers): Set<string> {
  const value = headers.get('connection');
  if (!value) return new Set();
  return new Set(
    value
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** What the router adds to a forwarded request. */
export interface ForwardInfo {
  /** Client address appended to `X-Forwarded-For`, when the runtime knows it. */
  clientAddress?: string;
  /** The `Host` the request arrived with. */
  host: string;
  /** `http` or `https`. */
  proto: string;
  requestId: string;
  /** Hops seen on arrival; the forwarded request carries `hops + 1`. */
  hops: number;
}

/**
 * Request headers for an upstream attempt: every end-to-end header unchanged (`Authorization`,
 * cookies, `traceparent`, `X-Admin-Key`...), minus hop-by-hop ones, `Host` (the provider's, set by
 * the transport) and `Content-Length` (the transport sets it for the buffered body); plus the
 * forwarding and loop-guard headers. `Expect` is dropped too: the body is already buffered (and
 * the client may already have had its `100 Continue`), so a provider has nothing to agree to.
 */
export function forwardRequestHeaders(incoming: Headers, info: ForwardInfo): Headers {
  const named = connectionNamed(incoming);
  const out = new Headers();
  // The router's own headers are skipped in the copy and appended after: one append each, where
  // a `set` over a copied value would search and splice the list (once per request, on the hot path).
  const appendsFor = info.clientAddress ? 'x-forwarded-for' : '';
  for (const [name, value] of incoming) {
    if (isHopByHop(name, named) || name === 'host' || name === 'content-length' || name === 'expect') continue;
    if (name === appendsFor || ROUTER_SETS.has(name)) continue;
    out.append(name, value);
  }
  if (info.clientAddress) {
    const prior = incoming.get('x-forwarded-for');
    out.append('x-forwarded-for', prior ? `${prior}, ${info.clientAddress}` : info.clientAddress);
  }
  out.append('x-forwarded-host', info.host);
  out.append('x-forwarded-proto', info.proto);
  out.append('x-request-id', info.requestId);
  out.append('x-no-fallback', '1');
  out.append('x-route-hops', String(info.hops + 1));
  return out;
}

/** Request headers the router always sets on a forwarded request, whatever the client sent. */
const ROUTER_SETS = new Set(['x-forwarded-host', 'x-forwarded-proto', 'x-request-id', 'x-no-fallback', 'x-route-hops']);

/** Response headers for the client: the provider's, minus hop-by-hop ones; every `Set-Cookie` kept. */
export function clientResponseHeaders(upstream: Headers): Headers {
  const named = connectionNamed(upstream);
  const out = new Headers();
  for (const [name, value] of upstream) {
    if (isHopByHop(name, named)) continue;
    out.append(name, value);
  }
  return out;
}

/**
 * Removes the hop-by-hop headers from a provider's answer in place, for a Response that can be
 * answered as is instead of being copied ({@link clientResponseHeaders} makes the copy).
 *
 * @returns `false`, with nothing changed, when the headers are immutable (a `fetch()` answer's)
 * @example
 * const headers = stripHopByHop(upstream.headers) ? upstream.headers : clientResponseHeaders(upstream.headers);
 */
export function stripHopByHop(headers: Headers): boolean {
  const named = connectionNamed(headers);
  try {
    // The first change made: immutable headers throw here, before anything else changed.
    headers.delete('connection');
  } catch {
    return false;
  }
  let doomed: string[] | undefined;
  for (const [name] of headers) {
    if (isHopByHop(name, named)) (doomed ??= []).push(name);
  }
  if (doomed) for (const name of doomed) headers.delete(name);
  return true;
}

/** The hop count a request arrived with (`X-Route-Hops`), 0 when absent or not a number. */
export function arrivedHops(headers: Headers): number {
  const value = Number.parseInt(headers.get('x-route-hops') ?? '', 10);
  return Number.isFinite(value) && value > 0 ? value : 0;
}
