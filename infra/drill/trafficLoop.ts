import { answerSource, type SeenAttempt } from './answerSource.ts';

/** Why a drill request counts as failed. */
export type FailureKind = 'timeout' | '5xx' | '4xx' | 'connection';

/** One drill request and what came back. Times are ms since the drill started. */
export interface DrillSample {
  seq: number;
  method: string;
  sentAt: number;
  doneAt: number;
  /** HTTP status, `null` when no answer came. */
  status: number | null;
  /** `null` for a successful (1xx-3xx) answer. */
  failure: FailureKind | null;
  /** Provider whose answer the client got (X-Backend-Source / Server-Timing). */
  provider: string | null;
  /** The router's attempts for this request. */
  attempts: SeenAttempt[];
  /** Upstream attempts the router made (`X-Route-Attempts`); `null` when no answer said. */
  attemptCount: number | null;
}

/** Options of {@link startTraffic}. */
export interface TrafficOptions {
  /** Full URL without query, e.g. `http://127.0.0.1:8787/task/api/drill`. */
  url: string;
  /** Requests per second, sent open-loop (on schedule, whether or not earlier ones answered). */
  rate: number;
  /** Methods used in turn. */
  methods: readonly string[];
  /** id -> base, to read a URL-valued X-Backend-Source. */
  providers: Readonly<Record<string, string>>;
  /** Client-side limit per request; beyond it the request counts as a `timeout` failure. */
  requestTimeoutMs: number;
  /** Requests allowed in flight at once; a request due beyond it is dropped (counted, not sent). */
  maxInFlight: number;
  /** Clock of the drill, ms. */
  now: () => number;
  /** Tag put in the query and request id so the router's logs show the drill. */
  runId: string;
}

/** Traffic that is flowing. */
export interface Traffic {
  /** Completed requests so far. */
  readonly samples: DrillSample[];
  /** Requests not sent because `maxInFlight` was reached (a stuck router, not the drill's load). */
  dropped(): number;
  /** Stops sending and resolves once every request in flight has answered or timed out. */
  stop(): Promise<void>;
}

/**
 * Sends steady, bounded open-loop traffic: request `n` is due at `n / rate` s whatever happened
 * to the earlier ones, like real clients; a closed loop would slow down exactly when a provider
 * hangs and hide the cost. Each query carries a unique `drill` value so an edge cache never
 * answers instead of a provider.
 */
export function startTraffic(options: TrafficOptions): Traffic {
  const samples: DrillSample[] = [];
  const inFlight = new Set<Promise<void>>();
  const interval = 1000 / options.rate;
  const origin = options.now();
  let seq = 0;
  let dropped = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  const send = (n: number): void => {
    if (inFlight.size >= options.maxInFlight) {
      dropped += 1;
      return;
    }
    const method = options.methods[n % options.methods.length]!;
    const request = sendOne(n, method, options).then((sample) => {
      samples.push(sample);
      inFlight.delete(request);
    });
    inFlight.add(request);
  };

  const loop = async (): Promise<void> => {
    while (!stopped) {
      const due = origin + seq * interval;
      const lag = options.now() - due;
      if (lag < 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, -lag);
        });
        continue;
      }
      // A stalled event loop must not turn into a burst: what is over a second late is dropped.
      if (lag > 1000) dropped += 1;
      else send(seq);
      seq += 1;
    }
  };
  const running = loop();

  return {
    samples,
    dropped: () => dropped,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await running;
      await Promise.all(inFlight);
    },
  };
}

async function sendOne(seq: number, method: string, options: TrafficOptions): Promise<DrillSample> {
  const sentAt = options.now();
  const url = `${options.url}?drill=${options.runId}-${seq}`;
  const headers: Record<string, string> = { 'x-request-id': `drill-${options.runId}-${seq}` };
  let body: string | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify({ drill: options.runId, seq });
  }
  const base = { seq, method, sentAt };
  try {
    const response = await fetch(url, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(options.requestTimeoutMs) });
    // Read the whole body: a request is only done when its answer has arrived.
    await response.arrayBuffer();
    const source = answerSource(response.headers, options.providers);
    const failure: FailureKind | null = response.status >= 500 ? '5xx' : response.status >= 400 ? '4xx' : null;
    const { provider, attempts, attemptCount } = source;
    return { ...base, doneAt: options.now(), status: response.status, failure, provider, attempts, attemptCount };
  } catch (error) {
    const name = (error as Error).name;
    const failure: FailureKind = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'connection';
    return { ...base, doneAt: options.now(), status: null, failure, provider: null, attempts: [], attemptCount: null };
  }
}
