/** One attempt of a routed request, as the router's `Server-Timing` names it. */
export interface SeenAttempt {
  /** Provider id. */
  provider: string;
  /** `200`, `503` ... for an HTTP answer; `timeout`, `error` or `aborted` otherwise. */
  outcome: string;
  /** Milliseconds the attempt took. */
  ms: number;
}

/** What one router answer says about who served it. */
export interface AnswerSource {
  /** The router's attempts, in order (the first `X-Route-Attempts` entries of `Server-Timing`). */
  attempts: SeenAttempt[];
  /**
   * How many upstream attempts the router made (`X-Route-Attempts`; else the `Server-Timing`
   * entries when there are some); `null` when the answer says neither.
   */
  attemptCount: number | null;
  /** Provider id whose answer the client got; `null` for router-made answers or when unknown. */
  provider: string | null;
  /** `HIT`/`STALE` when the router's edge cache answered. */
  cache: string | null;
}

const ENTRY = /^p\d+;desc="([^" ]+) ([^"]+)";dur=([\d.]+)$/;

/**
 * Reads which provider answered from a router's response headers (SPEC 3.6).
 *
 * `Server-Timing` lists the router's own attempts first (`p1;desc="1 timeout";dur=300`); a
 * provider's own `Server-Timing` may follow, so only the first `X-Route-Attempts` entries count.
 * The answering provider is the last of those when it carries a status; when `Server-Timing` is
 * missing, `X-Backend-Source` (an id, or a base URL looked up in `providers`) is used instead.
 *
 * @param providers - id -> base URL, from `/_config/route`, to turn a URL `X-Backend-Source` into an id.
 * @example
 * answerSource(res.headers, { '1': 'http://127.0.0.1:4001' }).provider; // '2'
 */
export function answerSource(headers: Headers, providers: Readonly<Record<string, string>> = {}): AnswerSource {
  const count = Number(headers.get('x-route-attempts') ?? NaN);
  const cache = headers.get('x-cache');
  const entries = (headers.get('server-timing') ?? '')
    .split(',')
    .map((part) => ENTRY.exec(part.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ provider: match[1]!, outcome: match[2]!, ms: Number(match[3]) }));
  const attempts = Number.isInteger(count) && count >= 0 ? entries.slice(0, count) : entries;
  const last = attempts.at(-1);
  // A cached answer has no attempts of its own: X-Backend-Source names who filled the cache.
  const fromCache = cache === 'HIT' || cache === 'STALE';
  const provider =
    !fromCache && last && /^\d{3}$/.test(last.outcome) ? last.provider : fromBackendSource(headers.get('x-backend-source'), providers);
  const attemptCount = Number.isInteger(count) && count >= 0 ? count : attempts.length > 0 ? attempts.length : null;
  return { attempts, attemptCount, provider, cache };
}

function fromBackendSource(value: string | null, providers: Readonly<Record<string, string>>): string | null {
  if (!value) return null;
  if (value in providers) return value;
  const trimmed = value.replace(/\/+$/, '');
  for (const [id, base] of Object.entries(providers)) if (base.replace(/\/+$/, '') === trimmed) return id;
  return null;
}
