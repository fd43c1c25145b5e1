/**
 * The hadoku-route fallback core: runtime-independent (Fetch API only). Runtimes import from here.
 * @packageDocumentation
 */
export * from './types.ts';
export { createRouter, type Router, type RouterOptions } from './router.ts';
export { ConfigManager, type ConfigManagerOptions, type ConfigStatus } from './configManager.ts';
export { parseConfig, appPriorityEnvName, type RouteConfigSnapshot, type RouteSettings, type ProviderInfo } from './parseConfig.ts';
export { describeOrders, configWarnings, type AppOrder } from './describeOrders.ts';
export { routeConfigJsonSchema, routeConfigSchema } from './routeConfigSchema.ts';
export { MemoryCache } from './memoryCache.ts';
export { decideFallback, isFallbackStatus, wasNotSent, type FallbackDecision, type FallbackInput } from './fallbackPolicy.ts';
export { CircuitBreaker, type BreakerState } from './circuitBreaker.ts';
export { upstreamUrl } from './upstreamUrl.ts';
export { matchApp } from './matchApp.ts';
export { forwardRequestHeaders, clientResponseHeaders } from './headers.ts';
export { serverTiming } from './serverTiming.ts';
export { contentVersion } from './contentVersion.ts';
export { jsonResponse } from './jsonResponse.ts';
export { isDraining } from './isDraining.ts';
export { checkAppRegistry, hostedApps } from './hostedApps.ts';
export { selfProblem } from './selfProblem.ts';
export { appAttempt, type AppFailureSink } from './appAttempt.ts';
export { DEFAULTS, HEALTH_DOC, KV_CONFIG, STALE_IF_ERROR_SECONDS, SSM_STANDARD_MAX_BYTES } from './defaults.ts';
export {
  ConfigError,
  ConfigValidationError,
  ConfigSourceError,
  ConfigUnavailableError,
  AppRegistryError,
  AttemptTimeoutError,
  ClientAbortError,
} from './errors.ts';
export { statusPage, escapeHtml, STATUS_REFRESH_SECONDS } from './statusPage.ts';
export { statusSnapshot, type StatusSnapshot, type StatusSource, type StatusApp, type StatusProvider } from './statusSnapshot.ts';
export { statusAccess, type StatusAccess } from './statusAccess.ts';
export { statusRoute } from './statusRoute.ts';
export { StatusFeed } from './statusFeed.ts';
export { RecentRequests, MAX_RECENT_PATH, type RecentRequest } from './recentRequests.ts';
export { ProviderTallies, answeringAttempt, type ProviderTally } from './providerTallies.ts';
export { readHealthDocument, staleAt, downIds, type HealthDocument, type HealthAdvice, type ProviderHealth } from './healthDocument.ts';
export { probeHealth, type ProbeHealthOptions } from './probeHealth.ts';
