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
  for (const [name, value] of incoming) {
    if (isHopByHop(name, named) || name === 'host' || name === 'content-length' || name === 'expect') continue;
    out.append(name, value);
  }
  if (info.clientAddress) {
    const prior = incoming.get('x-forwarded-for');
    out.set('x-forwarded-for', prior ? `${prior}, ${info.clientAddress}` : info.clientAddress);
  }
  out.set('x-forwarded-host', info.host);
  out.set('x-forwarded-proto', info.proto);
  out.set('x-request-id', info.requestId);
  out.set('x-no-fallback', '1');
  out.set('x-route-hops', String(info.hops + 1));
  return out;
}

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

/** The hop count a request arrived with (`X-Route-Hops`), 0 when absent or not a number. */
export function arrivedHops(headers: Headers): number {
  const value = Number.parseInt(headers.get('x-route-hops') ?? '', 10);
  return Number.isFinite(value) && value > 0 ? value : 0;
}
