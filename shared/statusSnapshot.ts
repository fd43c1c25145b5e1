import type { BreakerState, CircuitBreaker } from './circuitBreaker.ts';
import type { ConfigStatus } from './configManager.ts';
import { describeOrders } from './describeOrders.ts';
import type { HealthAdvice } from './healthDocument.ts';
import type { RouteConfigSnapshot } from './parseConfig.ts';
import type { ProviderTally } from './providerTallies.ts';
import type { RecentRequest } from './recentRequests.ts';
import { sharedHealthView, type SharedHealthView, type SharedProviderView } from './sharedHealthView.ts';
import type { StatusFeed } from './statusFeed.ts';
import type { AppRegistry } from './types.ts';

/** One app's row: its effective order, where that came from, and who is tried right now. */
export interface StatusApp {
  /** `*` for apps without a route (`global_priority`). */
  app: string;
  order: string[];
  priority_source: 'config' | 'env';
  /** The order minus providers whose breaker is open (all of them when every one is open). */
  tried_now: string[];
}

/** One provider's row. */
export interface StatusProvider extends BreakerState, ProviderTally {
  id: string;
  base: string;
  /** `in-process` when self serves its apps here, `skipped` when self hosts nothing, else `null`. */
  self: 'in-process' | 'skipped' | null;
  /** What the shared health document says of it; `null` when the document is ignored or does not name it. */
  shared: SharedProviderView | null;
}

/** Everything the status page shows; also served as JSON (`/_router/status?format=json`). */
export interface StatusSnapshot {
  runtime: string | null;
  self: string | null;
  generated_at: string;
  drain: boolean;
  config: ConfigStatus;
  /** The shared health document as `/_router/health` shows it (`shared`). */
  shared: SharedHealthView;
  apps: StatusApp[];
  providers: StatusProvider[];
  recent: RecentRequest[];
}

/** What {@link statusSnapshot} reads: the router's own state (the router spreads its options in). */
export interface StatusSource {
  config: { status(): ConfigStatus; healthAdvice(): HealthAdvice };
  breaker: CircuitBreaker;
  feed: StatusFeed;
  apps: AppRegistry;
  /** A handler for every app, so self serves any app in-process. */
  local?: unknown;
  self?: string;
  runtime?: string;
  drain?: boolean;
  wallNow: () => number;
}

/**
 * The router's state at this instant, as plain data for the page and the JSON view.
 *
 * @example
 * statusSnapshot(source, await source.config.current()).providers[0]; // { id: '1', state: 'closed', answers: 3, ... }
 */
export function statusSnapshot(source: StatusSource, config: RouteConfigSnapshot): StatusSnapshot {
  const breaker = (id: string) => source.breaker.state(id, config.breaker);
  const tallies = source.feed.tallies.snapshot();
  const hostsAny = source.local !== undefined || Object.keys(source.apps).length > 0;
  const shared = sharedHealthView(source.config.healthAdvice());
  const sharedOf = (id: string) => ('providers' in shared ? (shared.providers[id] ?? null) : null);
  const apps = describeOrders(config).map((o) => {
    const closed = o.order.filter((id) => breaker(id).state !== 'open');
    return { ...o, tried_now: closed.length > 0 ? closed : o.order };
  });
  const providers = [...config.providers.values()].map(
    (p): StatusProvider => ({
      id: p.id,
      base: p.base,
      self: p.id !== source.self ? null : hostsAny ? 'in-process' : 'skipped',
      ...breaker(p.id),
      ...(tallies[p.id] ?? { answers: 0, fallbacks: 0, timeouts: 0, errors: 0 }),
      shared: sharedOf(p.id),
    }),
  );
  return {
    runtime: source.runtime ?? null,
    self: source.self ?? null,
    generated_at: new Date(source.wallNow()).toISOString(),
    drain: source.drain === true,
    config: source.config.status(),
    shared,
    apps,
    providers,
    recent: source.feed.recent.list(),
  };
}
