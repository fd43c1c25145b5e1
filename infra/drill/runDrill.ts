import { randomBytes } from 'node:crypto';
import { DEFAULTS } from '../../shared/index.ts';
import { performance } from 'node:perf_hooks';
import { analyzeDrill, type DrillTimeline } from './analyzeDrill.ts';
import { answerSource } from './answerSource.ts';
import { DRILL_MODES, type DisableContext, type Disabler, type DrillMode } from './disabler.ts';
import type { DrillReport } from './drillReport.ts';
import {
  DrillInputError,
  InvalidModeError,
  InvalidRouterUrlError,
  NoDrillAppError,
  OutOfBoundsError,
  RouterUnreachableError,
  UnknownProviderError,
} from './errors.ts';
import { connectionReason, fetchRouteInfo, hedgingOf, pickDrillApp } from './routeInfo.ts';
import { startTraffic } from './trafficLoop.ts';

/** Bounds of the drill's inputs (`--rate`, `--duration`). */
export const DRILL_LIMITS = { rate: { min: 1, max: 500 }, durationS: { min: 3, max: 600 } } as const;

/** The contract's defaults, assumed for the report when the caller does not know the router's settings. */
const SPEC_BREAKER = { failures: DEFAULTS.breaker.failures, cooldownMs: DEFAULTS.breaker.cooldown_ms };
const SPEC_TIMEOUT_MS = DEFAULTS.timeout_ms;

/** Where drill traffic goes after `/<app>/api` unless told: every demo app answers GET there. */
export const DEFAULT_PATH = '/health';

/** Methods a drill can send (`--methods`). */
export const DRILL_METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Options of {@link runDrill}. */
export interface DrillOptions {
  /** Router base URL, e.g. `http://127.0.0.1:8787`. */
  router: string;
  /** Provider id to disable. */
  disable: string;
  /** Requests per second, 1..500. */
  rate: number;
  /** Seconds of traffic, 3..600. The provider is disabled at 1/3 and re-enabled at 2/3. */
  durationS: number;
  /** How a stand-in fails. @default the disabler's own mode (a drained stack: 503), else 'refuse' */
  mode?: DrillMode;
  /** How the provider is taken out and put back. */
  disabler: Disabler;
  /** Methods sent in turn. @default ['GET', 'POST'] */
  methods?: readonly string[];
  /** Path after `/<app>/api`; the demo apps answer GET there, stand-ins answer any path. @default '/health' */
  path?: string;
  /**
   * The router's breaker, for `moved_back` and `timeouts_allowed`; `false` when it is off.
   * @default SPEC's { failures: 3, cooldownMs: 30000 }
   */
  breaker?: { failures: number; cooldownMs: number } | false;
  /** The router's `timeout_ms`, reported as an assumption. @default 2500 */
  timeoutMs?: number;
  /**
   * An app's `hedge_after_ms` as the router's config sets it (`readRouterSettings`), for the
   * report's "hedging on/off" when the router's `/_config/route` does not show it. @default unknown
   */
  hedgeAfterMs?: (app: string) => number | 'auto' | null;
  /** Client-side limit per request. @default 15000 (beyond the SPEC's 8 s deadline) */
  requestTimeoutMs?: number;
  /** Progress lines (stderr in the CLI). @default none */
  log?: (line: string) => void;
  /** Stops the drill early; the provider is still re-enabled and a report returned. */
  signal?: AbortSignal;
}

/**
 * Checks everything that needs no network: rate, duration, mode, router URL.
 *
 * @throws {DrillInputError} (one subclass per input) before any request.
 */
export function checkDrillInputs(options: Pick<DrillOptions, 'router' | 'disable' | 'rate' | 'durationS' | 'mode'>): string {
  const { rate, durationS } = options;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < DRILL_LIMITS.rate.min || rate > DRILL_LIMITS.rate.max) {
    throw new OutOfBoundsError('--rate', rate, DRILL_LIMITS.rate.min, DRILL_LIMITS.rate.max, 'requests per second');
  }
  if (
    typeof durationS !== 'number' ||
    !Number.isFinite(durationS) ||
    durationS < DRILL_LIMITS.durationS.min ||
    durationS > DRILL_LIMITS.durationS.max
  ) {
    throw new OutOfBoundsError('--duration', durationS, DRILL_LIMITS.durationS.min, DRILL_LIMITS.durationS.max, 'seconds');
  }
  if (options.mode !== undefined && !(DRILL_MODES as readonly string[]).includes(options.mode)) throw new InvalidModeError(options.mode);
  if (typeof options.disable !== 'string' || !/^[0-9A-Za-z]$/.test(options.disable)) {
    throw new DrillInputError(`drill: --disable takes one provider id character [0-9A-Za-z] (got ${JSON.stringify(options.disable)})`);
  }
  let url: URL;
  try {
    url = new URL(options.router);
  } catch (error) {
    throw new InvalidRouterUrlError(String(options.router), { cause: error });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password) {
    throw new InvalidRouterUrlError(options.router);
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * Runs a failover drill: steady open-loop GET and POST traffic through `router` to an app whose
 * order contains the provider; the provider is disabled at 1/3 of the duration and re-enabled at
 * 2/3; the report says how many requests failed (by kind, by method), how long traffic took to
 * move off the provider and back, and p50/p99 per phase.
 *
 * Every input is checked before any traffic: the numbers, the router (it must answer
 * `/_config/route`), the provider id (it must be in that config and in some app's order), the
 * disabler (`check()`), and one probe request through the router.
 *
 * @throws {DrillInputError} when refused (no traffic sent); `DisablerFailedError` when the
 * provider could not be disabled (traffic stopped, provider re-enabled first).
 * @example
 * const report = await runDrill({ router: 'http://127.0.0.1:8787', disable: '1', rate: 40, durationS: 9, mode: 'hang', disabler: standinDisabler() });
 * console.log(formatDrillReport(report));
 */
export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const router = checkDrillInputs(options);
  const log = options.log ?? (() => undefined);
  const methods = options.methods ?? ['GET', 'POST'];
  const unknown = methods.filter((m) => !(DRILL_METHODS as readonly string[]).includes(m));
  if (methods.length === 0 || unknown.length > 0) {
    throw new DrillInputError(`drill: --methods takes a comma list of ${DRILL_METHODS.join(', ')} (got '${methods.join(',')}')`);
  }
  const suffix = options.path ?? DEFAULT_PATH;
  if (!suffix.startsWith('/') || /[?#]/.test(suffix))
    throw new DrillInputError(`drill: --path must start with / and have no query (got '${suffix}')`);

  const info = await fetchRouteInfo(router);
  const notes: string[] = [];
  if (!(options.disable in info.providers)) throw new UnknownProviderError(options.disable, Object.keys(info.providers));
  if (sameOrigin(router, info.providers[options.disable]!)) {
    throw new DrillInputError(
      `drill: --router ${router} is provider ${options.disable} itself: send the traffic through another router (disabling it would stop the traffic too)`,
    );
  }
  const target = pickDrillApp(info, options.disable);
  if (!target) throw new NoDrillAppError(options.disable);
  const hedging = hedgingOf(info, target.app, options.hedgeAfterMs);
  const path = `/${target.app}/api${suffix}`;
  const durationMs = options.durationS * 1000;
  const ctx: DisableContext = {
    provider: options.disable,
    base: info.providers[options.disable]!,
    mode: options.mode ?? 'refuse',
    holdMs: durationMs / 3,
    log,
  };
  await options.disabler.check?.(ctx);
  const mode = chooseMode(options.disabler, options.mode);
  ctx.mode = mode;
  if (info.drain) notes.push('the router itself is drained (ROUTE_DRAIN): every request will fail');
  if (target.position === target.order.length - 1)
    notes.push(
      `${target.app} has no provider after ${options.disable} (order ${target.order.join('')}): its requests can only fail while it is disabled`,
    );
  await probe(router, path, info.providers, options.disable, notes);

  const breaker = options.breaker === false ? null : (options.breaker ?? SPEC_BREAKER);
  if (breaker && durationMs / 3 < breaker.cooldownMs + 1000) {
    const warning = `the after phase (${(durationMs / 3000).toFixed(1)} s) is shorter than the breaker cooldown (${breaker.cooldownMs / 1000} s) + 1 s: traffic may not come back before the end (raise --duration)`;
    notes.push(warning);
    log(`warning: ${warning}`);
  }

  const runId = randomBytes(3).toString('hex');
  const started = performance.now();
  const now = (): number => performance.now() - started;
  const seconds = (): string => `${(now() / 1000).toFixed(1)}s`;
  log(
    `drill ${runId}: ${options.rate} req/s (${methods.join('+')}) to ${router}${path} for ${options.durationS}s; provider ${options.disable} (${ctx.base}) goes ${mode} at ${(options.durationS / 3).toFixed(1)}s via ${options.disabler.name}`,
  );
  const traffic = startTraffic({
    url: `${router}${path}`,
    rate: options.rate,
    methods,
    providers: info.providers,
    requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    maxInFlight: Math.min(1000, Math.max(50, options.rate * 10)),
    now,
    runId,
  });

  const timeline: DrillTimeline = {
    timing: options.disabler.timing,
    disableAt: null,
    disabledAt: null,
    enableAt: null,
    enabledAt: null,
    endAt: 0,
  };
  let disableError: unknown;
  let enableError: unknown;
  const aborted = (): boolean => options.signal?.aborted === true;
  try {
    await sleepUntil(now, durationMs / 3, options.signal);
    if (!aborted()) {
      timeline.disableAt = now();
      log(`${seconds()} disabling provider ${options.disable} (${mode})`);
      try {
        await options.disabler.disable(ctx);
        timeline.disabledAt = now();
      } catch (error) {
        disableError = error;
      }
      if (!disableError) await sleepUntil(now, (2 * durationMs) / 3, options.signal);
    }
  } finally {
    // Whatever happened (abort, a failed disable), the provider is put back before returning.
    if (timeline.disableAt !== null) {
      timeline.enableAt = now();
      log(`${seconds()} re-enabling provider ${options.disable}`);
      try {
        await options.disabler.enable(ctx);
        timeline.enabledAt = now();
      } catch (error) {
        enableError = error;
      }
    }
  }
  if (disableError || enableError) {
    await traffic.stop();
    throw disableError ?? enableError;
  }
  // A slow enable (a deploy) still gets an after-phase a third of the drill long.
  const enabledAt = timeline.enabledAt ?? 0;
  const endAt = durationMs - enabledAt < durationMs / 6 ? enabledAt + durationMs / 3 : durationMs;
  if (endAt > durationMs)
    notes.push(
      `re-enabling took until ${(timeline.enabledAt! / 1000).toFixed(1)}s: traffic ran ${((endAt - durationMs) / 1000).toFixed(1)}s longer`,
    );
  await sleepUntil(now, endAt, options.signal);
  if (aborted()) notes.push(`stopped early at ${seconds()}`);
  timeline.endAt = now();
  log(`${seconds()} traffic stopped; waiting for answers in flight`);
  await traffic.stop();

  if (options.breaker === undefined) {
    notes.push(
      `breaker settings assumed from the SPEC defaults (${SPEC_BREAKER.failures} failures, ${SPEC_BREAKER.cooldownMs / 1000} s cooldown)`,
    );
  }
  return analyzeDrill({
    samples: traffic.samples,
    dropped: traffic.dropped(),
    timeline,
    provider: options.disable,
    providerBase: ctx.base,
    position: target.position,
    router,
    app: target.app,
    path,
    mode,
    disabler: options.disabler.name,
    rate: options.rate,
    durationS: options.durationS,
    breaker,
    timeoutMs: options.timeoutMs ?? (options.breaker === undefined ? SPEC_TIMEOUT_MS : null),
    hedging,
    notes,
  });
}

/** The disabler's own mode when it has one (a drained stack: 503), else the requested one. */
function chooseMode(disabler: Disabler, requested: DrillMode | undefined): DrillMode {
  const fixed = disabler.mode;
  if (fixed && requested && requested !== fixed) {
    throw new DrillInputError(
      `drill: --mode ${requested} does not apply to ${disabler.name}: it always fails the provider with ${fixed} (leave --mode out)`,
    );
  }
  return fixed ?? requested ?? 'refuse';
}

/** One GET through the router before the drill: the path must be served while nothing is disabled. */
async function probe(router: string, path: string, providers: Record<string, string>, provider: string, notes: string[]): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${router}${path}?drill=probe`, { signal: AbortSignal.timeout(15_000), redirect: 'manual' });
    await response.arrayBuffer();
  } catch (error) {
    throw new RouterUnreachableError(router, `GET ${path} failed: ${connectionReason(error)}`, { cause: error });
  }
  if (response.status >= 400) {
    throw new DrillInputError(
      `drill: GET ${router}${path} answers ${response.status} before anything is disabled: a drill would measure that, not a failover (choose another --path or fix the providers first)`,
    );
  }
  const source = answerSource(response.headers, providers);
  if (source.provider !== provider)
    notes.push(`before the drill, ${path} was answered by provider ${source.provider ?? '?'}, not ${provider}`);
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** Sleeps until `now()` reaches `at` ms, waking early on abort. */
function sleepUntil(now: () => number, at: number, signal?: AbortSignal): Promise<void> {
  const wait = at - now();
  if (wait <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, wait);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
