/**
 * The watch of `flip --watch`: after a flip is written, poll each router's `/_router/health`
 * counters and judge the new first provider by what the routers saw of it since the flip.
 */
import { describeFailure } from './probeProviders.ts';

/** Outcomes that count as a failure of the provider: 5xx, timeout, connection error. */
function isFailure(outcome: string): boolean {
  return outcome === 'timeout' || outcome === 'error' || /^5\d\d$/.test(outcome);
}

/** The counters of one provider at one router: outcome -> count. */
type Outcomes = Record<string, number>;

/** What `/_router/health` says that the watch reads. */
interface HealthBody {
  providers?: Record<string, { state?: string } | undefined>;
  counters?: { providers?: Record<string, Outcomes | undefined> };
}

/** Options of {@link watchFlip}. */
export interface WatchOptions {
  /** Router base URLs, e.g. `http://127.0.0.1:8787`. */
  routers: readonly string[];
  /** The new first provider. */
  provider: string;
  durationMs: number;
  /** Roll back above this share of failed attempts (0-1). @default 0.2 */
  maxFailureRate?: number;
  /** Fewer attempts than this over the window are not judged by rate. @default 10 */
  minRequests?: number;
  /** @default 1000 */
  intervalMs?: number;
  /** Per poll request. @default 2000 */
  timeoutMs?: number;
  /** One progress line per poll (stderr in the CLI). */
  progress?: (line: string) => void;
}

/** How a watch ended. `exceeded` is the one that asks for a roll-back. */
export type WatchVerdict = 'healthy' | 'exceeded' | 'too-few-requests';

/** The outcome of a watch, as printed and put in `flip --json`. */
export interface WatchOutcome {
  verdict: WatchVerdict;
  provider: string;
  /** Attempts at the provider seen by every router since the flip, and how many failed. */
  requests: number;
  failures: number;
  /** `failures / requests`, `null` with no request. */
  failure_rate: number | null;
  max_failure_rate: number;
  min_requests: number;
  /** Milliseconds watched (less than asked when the rate was exceeded early). */
  watched_ms: number;
  /** Why the verdict is `exceeded`, e.g. `7 of 12 attempts failed (58%)`; else a summary. */
  reason: string;
  /** Routers whose breaker opened for the provider during the watch. */
  breaker_open_at: string[];
  /** Polls that got no answer, per router. */
  unanswered: Record<string, number>;
}

/**
 * Reads one router's counters (and breaker state) for `provider`; throws a short reason when
 * the router does not answer with them.
 *
 * @example
 * await readRouterCounters('http://127.0.0.1:8787', '2') // { outcomes: { '200': 40, '503': 2 }, open: false }
 */
export async function readRouterCounters(
  router: string,
  provider: string,
  timeoutMs = 2000,
): Promise<{ outcomes: Outcomes; open: boolean }> {
  let body: HealthBody;
  try {
    // 200 and 503 (degraded) both carry the counters.
    const response = await fetch(`${router}/_router/health`, { signal: AbortSignal.timeout(timeoutMs) });
    body = (await response.json()) as HealthBody;
  } catch (error) {
    throw new Error(error instanceof SyntaxError ? 'answered GET /_router/health without JSON' : describeFailure(error, timeoutMs));
  }
  if (!body || typeof body.counters !== 'object' || body.counters === null)
    throw new Error('answered GET /_router/health without counters');
  return { outcomes: { ...(body.counters.providers?.[provider] ?? {}) }, open: body.providers?.[provider]?.state === 'open' };
}

/** Attempts and failures in `now` that were not in `base` (a router that restarted starts from 0). */
function delta(base: Outcomes, now: Outcomes): { requests: number; failures: number } {
  let requests = 0;
  let failures = 0;
  for (const [outcome, count] of Object.entries(now)) {
    if (outcome === 'aborted') continue; // the client went away: says nothing about the provider
    const prior = base[outcome] ?? 0;
    const added = count >= prior ? count - prior : count;
    requests += added;
    if (isFailure(outcome)) failures += added;
  }
  return { requests, failures };
}

/**
 * Watches for `durationMs`, polling every router each `intervalMs`. Ends early, `exceeded`, as
 * soon as at least `minRequests` attempts were seen and more than `maxFailureRate` of them
 * failed, or a router's breaker opened for the provider (it then stops sending it traffic, so
 * the rate alone would stall). Baselines are taken when the watch starts.
 *
 * @example
 * const outcome = await watchFlip({ routers: ['http://127.0.0.1:8787'], provider: '2', durationMs: 60_000 });
 * if (outcome.verdict === 'exceeded') rollBack();
 */
export async function watchFlip(options: WatchOptions): Promise<WatchOutcome> {
  const maxRate = options.maxFailureRate ?? 0.2;
  const minRequests = options.minRequests ?? 10;
  const interval = options.intervalMs ?? 1000;
  const progress = options.progress ?? (() => undefined);
  const unanswered: Record<string, number> = Object.fromEntries(options.routers.map((r) => [r, 0]));
  const poll = (): Promise<Array<{ outcomes: Outcomes; open: boolean } | null>> =>
    Promise.all(
      options.routers.map((router) =>
        readRouterCounters(router, options.provider, options.timeoutMs).catch((error: unknown) => {
          unanswered[router]! += 1;
          progress(`watch: router ${router} did not answer (${error instanceof Error ? error.message : String(error)})`);
          return null;
        }),
      ),
    );
  const bases = (await poll()).map((s) => s?.outcomes ?? null);
  const started = Date.now();
  const totals = { requests: 0, failures: 0 };
  const openAt = new Set<string>();
  let verdict: WatchVerdict | null = null;
  while (verdict === null) {
    const left = options.durationMs - (Date.now() - started);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(interval, left))));
    const seen = await poll();
    totals.requests = 0;
    totals.failures = 0;
    seen.forEach((s, i) => {
      if (!s) return;
      // A router that did not answer the first poll is counted from its first answer.
      bases[i] ??= s.outcomes;
      const d = delta(bases[i]!, s.outcomes);
      totals.requests += d.requests;
      totals.failures += d.failures;
      if (s.open) openAt.add(options.routers[i]!);
    });
    const elapsed = Date.now() - started;
    progress(`watch ${formatSeconds(elapsed)}/${formatSeconds(options.durationMs)}: provider ${options.provider} ${ratio(totals)}`);
    const rate = totals.requests ? totals.failures / totals.requests : 0;
    if (openAt.size > 0 || (totals.requests >= minRequests && rate > maxRate)) verdict = 'exceeded';
    else if (elapsed >= options.durationMs) verdict = totals.requests >= minRequests ? 'healthy' : 'too-few-requests';
  }
  return outcomeOf(verdict, options, totals, { maxRate, minRequests, started, openAt, unanswered });
}

function outcomeOf(
  verdict: WatchVerdict,
  options: WatchOptions,
  totals: { requests: number; failures: number },
  seen: { maxRate: number; minRequests: number; started: number; openAt: Set<string>; unanswered: Record<string, number> },
): WatchOutcome {
  const breakerOpen = [...seen.openAt];
  const limit = `${Math.round(seen.maxRate * 100)}%`;
  const reason =
    verdict === 'exceeded'
      ? breakerOpen.length && !(totals.requests >= seen.minRequests && totals.failures / totals.requests > seen.maxRate)
        ? `breaker open for provider ${options.provider} at ${breakerOpen.join(', ')} (${ratio(totals)})`
        : `${ratio(totals)}: over the ${limit} limit`
      : verdict === 'healthy'
        ? `${ratio(totals)}: within the ${limit} limit`
        : `${ratio(totals)}: fewer than ${seen.minRequests} attempts, not judged (nothing rolled back)`;
  return {
    verdict,
    provider: options.provider,
    requests: totals.requests,
    failures: totals.failures,
    failure_rate: totals.requests ? totals.failures / totals.requests : null,
    max_failure_rate: seen.maxRate,
    min_requests: seen.minRequests,
    watched_ms: Date.now() - seen.started,
    reason,
    breaker_open_at: breakerOpen,
    unanswered: seen.unanswered,
  };
}

function ratio(totals: { requests: number; failures: number }): string {
  const pct = totals.requests ? ` (${Math.round((100 * totals.failures) / totals.requests)}%)` : '';
  return `${totals.failures} of ${totals.requests} attempts failed${pct}`;
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}
