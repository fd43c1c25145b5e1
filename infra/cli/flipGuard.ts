/**
 * The guards of `flip`: its flags, the probe of the new order before writing (refusing a flip
 * whose first provider is down), and the watch after writing that rolls back through the same
 * store when the new first provider fails.
 */
import type { RouteConfigSnapshot } from '../../shared/index.ts';
import type { OptionSpec, ParsedArgs } from './command.ts';
import type { ConfigVariable } from './configVariables.ts';
import { CliError, StoreConflictError, UsageError } from '../kit/errors.ts';
import { ExitCode } from '../kit/exitCodes.ts';
import { parseDuration } from './parseDuration.ts';
import { probeProviders, type ProbeResult, type ProbeTarget } from './probeProviders.ts';
import type { ConfigStore } from './stores/configStore.ts';
import { readRouterCounters, watchFlip, type WatchOutcome } from './watchFlip.ts';

/** The guard flags of `flip`. */
export const GUARD_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  force: { type: 'boolean', description: 'write even when the new first provider does not answer the probe (it still runs and prints)' },
  'no-probe': { type: 'boolean', description: 'do not probe the providers (offline use)' },
  'probe-timeout': {
    type: 'string',
    valueName: 'DURATION',
    default: '2s',
    description: 'per probe request, e.g. 2s or 500ms; no answer in time counts as down',
  },
  watch: {
    type: 'string',
    valueName: 'DURATION',
    description: "after writing, watch the routers' counters this long (e.g. 60s) and roll back if the new first provider fails",
  },
  router: {
    type: 'string',
    valueName: 'URL',
    multiple: true,
    description: 'with --watch: a router whose /_router/health counters are watched, e.g. http://127.0.0.1:8787',
  },
  'max-failure-rate': {
    type: 'string',
    valueName: 'R',
    default: '0.2',
    description: 'with --watch: roll back when more than this share of attempts at the new first provider fail (0-1)',
  },
  'min-requests': {
    type: 'string',
    valueName: 'N',
    default: '10',
    description: 'with --watch: attempts needed before the rate is judged',
  },
};

/** What the watch flags ask for. */
export interface WatchFlags {
  durationMs: number;
  routers: string[];
  maxFailureRate: number;
  minRequests: number;
}

/** The guard flags, checked. */
export interface GuardFlags {
  probe: boolean;
  force: boolean;
  probeTimeoutMs: number;
  watch: WatchFlags | null;
}

/**
 * Reads and checks the guard flags; every error names its flag.
 *
 * @example
 * readGuardFlags({ values: { watch: '60s', router: ['http://127.0.0.1:8787'], ... }, positionals: [] }).watch?.durationMs // 60000
 * @throws {UsageError} for a bad value or a flag without the one it needs
 */
export function readGuardFlags(args: ParsedArgs): GuardFlags {
  const v = args.values;
  const probeTimeoutMs = parseDuration('flip', '--probe-timeout', String(v['probe-timeout']), { minMs: 100, maxMs: 30_000 });
  const routers = (v.router as string[] | undefined) ?? [];
  const guard = { probe: !v['no-probe'], force: Boolean(v.force), probeTimeoutMs };
  if (v.watch === undefined) {
    if (routers.length) throw usage('--router only applies with --watch DURATION');
    return { ...guard, watch: null };
  }
  const durationMs = parseDuration('flip', '--watch', String(v.watch), { minMs: 1000, maxMs: 3_600_000 });
  if (!routers.length) {
    throw usage(
      '--watch needs --router URL (a router whose /_router/health counters to watch), e.g. --watch 60s --router http://127.0.0.1:8787',
    );
  }
  if (v['dry-run']) throw usage('--watch watches a written flip; it cannot go with --dry-run');
  for (const router of routers) {
    if (!/^https?:\/\/[^/\s]+\/?$/.test(router))
      throw usage(`--router must be a router's http(s) origin, e.g. http://127.0.0.1:8787 (got ${JSON.stringify(router)})`);
  }
  const rate = Number(v['max-failure-rate']);
  if (String(v['max-failure-rate']).trim() === '' || !(rate >= 0 && rate < 1)) {
    throw usage(`--max-failure-rate must be a number from 0 to below 1, e.g. 0.2 (got ${JSON.stringify(v['max-failure-rate'])})`);
  }
  const min = Number(v['min-requests']);
  if (!Number.isInteger(min) || min < 1 || min > 1_000_000) {
    throw usage(`--min-requests must be a whole number from 1 to 1000000 (got ${JSON.stringify(v['min-requests'])})`);
  }
  return { ...guard, watch: { durationMs, routers: routers.map((r) => r.replace(/\/+$/, '')), maxFailureRate: rate, minRequests: min } };
}

function usage(message: string): UsageError {
  return new UsageError(`flip: ${message}`, { command: 'flip' });
}

/**
 * The providers of the new order, first to last, with the base each resolves to here; a provider
 * whose base uses a `${VAR}` not set here cannot be probed (`base: null`).
 *
 * @example
 * probeTargets(config, variables, null) // [{ id: '2', base: 'http://127.0.0.1:8788' }, { id: '1', base: null, unknownReason: ... }]
 */
export function probeTargets(config: RouteConfigSnapshot, variables: readonly ConfigVariable[], app: string | null): ProbeTarget[] {
  const order = app === null ? config.globalPriority : (config.routes.get(app)?.priority ?? []);
  return order.map((id) => {
    const unset = variables.filter((v) => !v.set && v.fields.includes(`providers.${id}`)).map((v) => `\${${v.name}}`);
    if (unset.length) return { id, base: null, unknownReason: `${unset.join(', ')} not set here (placeholder)` };
    return { id, base: config.providers.get(id)?.base ?? null };
  });
}

/**
 * Probes the new order, prints one line per provider (unless `json`), and refuses (exit 1) when
 * its first provider is down and `force` is not given. An unknown first provider is not refused.
 *
 * @throws {CliError} exit 1, naming the provider and why, when the flip is refused
 */
export async function probeNewOrder(
  targets: readonly ProbeTarget[],
  opts: { app: string | null; timeoutMs: number; force: boolean; json: boolean; out: (line: string) => void },
): Promise<ProbeResult[]> {
  const results = await probeProviders(targets, { app: opts.app, timeoutMs: opts.timeoutMs });
  const path = opts.app === null ? '/_router/health' : `/${opts.app}/api/health (X-No-Fallback: 1) or /_router/health`;
  const lines = results.map((r) => `  provider ${r.id}  ${r.state.padEnd(7)}  ${r.detail}${r.ms ? ` (${r.ms} ms)` : ''}`);
  if (!opts.json) for (const line of [`probe: GET ${path}, ${opts.timeoutMs} ms each`, ...lines]) opts.out(line);
  const first = results[0];
  if (first?.state !== 'down') return results;
  if (opts.force) {
    if (!opts.json) opts.out(`  --force: writing although provider ${first.id}, first of the new order, is down`);
    return results;
  }
  throw new CliError(`flip: refused: provider ${first.id}, first of the new order, is down (${first.detail}); nothing written`, {
    exitCode: ExitCode.invalid,
    details: [...(opts.json ? lines : []), '--force writes anyway (the probe still runs and prints)'],
  });
}

/**
 * Before writing: every `--router` must answer `/_router/health` with counters, or there would
 * be nothing to watch.
 *
 * @throws {CliError} exit 1 naming the router and why; nothing is written
 */
export async function checkRouters(routers: readonly string[], provider: string): Promise<void> {
  const answers = await Promise.all(
    routers.map((router) =>
      readRouterCounters(router, provider).then(
        () => null,
        (error: Error) => `${router}: ${error.message}`,
      ),
    ),
  );
  const failed = answers.filter((a): a is string => a !== null);
  if (failed.length) {
    throw new CliError('flip: --router does not answer GET /_router/health, so the flip could not be watched; nothing written', {
      details: failed,
    });
  }
}

/** The watch and what was done about it, as `flip --json` reports it. */
export interface WatchReport extends WatchOutcome {
  rolled_back: boolean;
  /** The store's version after the roll-back. */
  rollback_version: string | null;
}

/**
 * Watches the new first provider after the flip was written; when it fails, writes `previous`
 * back through the same store, only if the store still holds the version the flip wrote.
 * Progress goes to `err`, the summary to `out` (unless `json`).
 *
 * @throws {CliError} exit 2 when the roll-back is refused (the store changed since) or fails
 */
export async function watchThenRollBack(
  store: ConfigStore,
  flip: { previous: string; version: string; provider: string },
  watch: WatchFlags,
  io: { out: (line: string) => void; err: (line: string) => void; json: boolean },
): Promise<WatchReport> {
  const say = (line: string): void => (io.json ? undefined : io.out(line));
  io.err(`watching provider ${flip.provider} at ${watch.routers.join(', ')} for ${watch.durationMs / 1000} s`);
  const outcome = await watchFlip({ ...watch, provider: flip.provider, progress: io.err });
  if (outcome.verdict !== 'exceeded') {
    say(`watch: ${outcome.reason}; the flip stays`);
    return { ...outcome, rolled_back: false, rollback_version: null };
  }
  say(`watch: ${outcome.reason}; rolling back`);
  let version: string;
  try {
    version = await store.write(flip.previous, flip.version);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const message =
      error instanceof StoreConflictError
        ? `flip: not rolled back: ${store.label} no longer holds version ${flip.version} that the flip wrote (${why})`
        : `flip: not rolled back: could not write ${store.label} (${why})`;
    throw new CliError(message, {
      exitCode: ExitCode.store,
      details: [`watch: ${outcome.reason}`, 'the new order is still stored; check it with `hadoku-route show` and flip again if needed'],
    });
  }
  say(`rolled back: wrote the previous config to ${store.label} (version ${version})`);
  return { ...outcome, rolled_back: true, rollback_version: version };
}
