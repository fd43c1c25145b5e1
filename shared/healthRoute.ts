import type { CircuitBreaker } from './circuitBreaker.ts';
import type { ConfigManager } from './configManager.ts';
import { healthReport } from './healthReport.ts';
import { jsonResponse } from './jsonResponse.ts';
import type { RouteConfigSnapshot } from './parseConfig.ts';
import { sharedHealthView } from './sharedHealthView.ts';
import type { UsageCounters } from './usageCounters.ts';

/** What `GET /_router/health` reads. */
export interface HealthFacts {
  config: ConfigManager;
  breaker: CircuitBreaker;
  counters: UsageCounters;
  self: string | undefined;
  /** This deployment serves `app` in-process (it hosts it). */
  hosts(app: string): boolean;
  drain: boolean;
}

/**
 * `GET /_router/health` (SPEC 2): 200 `ok` while every app has a provider whose breaker is not
 * open, else 503 `degraded` naming the apps that have none, so an uptime monitor can watch it;
 * `?app=` narrows the verdict to one app (404 for an app nothing routes). Beside this instance's
 * breakers, `shared` shows the shared health document (`sharedHealthView.ts`) or why it is
 * ignored; the status code stays this instance's own verdict.
 *
 * @example
 * if (url.pathname === '/_router/health') return healthRoute(url, { config, breaker, counters, self, hosts, drain });
 */
export async function healthRoute(url: URL, facts: HealthFacts): Promise<Response> {
  let config: RouteConfigSnapshot;
  try {
    config = await facts.config.current();
  } catch {
    return jsonResponse(503, { status: 'degraded', error: 'Routing configuration not found', providers: {}, drain: facts.drain });
  }
  const only = url.searchParams.get('app');
  if (only !== null && !config.routes.has(only) && config.globalPriority.length === 0) {
    return jsonResponse(404, { error: 'unknown app', app: only });
  }
  const state = (id: string) => facts.breaker.state(id, config.breaker);
  const report = healthReport({
    config,
    breaker: state,
    servesLocally: (app, id) => id === facts.self && facts.hosts(app),
    isSkippedSelf: (app, id) => id === facts.self && !facts.hosts(app),
    only,
  });
  return jsonResponse(report.httpStatus, {
    status: report.status,
    ...(report.degradedApps.length > 0 ? { apps: report.degradedApps } : {}),
    providers: Object.fromEntries([...config.providers.keys()].map((id) => [id, state(id)])),
    counters: facts.counters.snapshot(),
    config_version: config.version,
    drain: facts.drain,
    shared: sharedHealthView(facts.config.healthAdvice()),
  });
}
