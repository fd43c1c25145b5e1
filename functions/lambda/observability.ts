import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { AttemptRecord, RequestLogEntry } from '../../shared/index.ts';
import { METRIC } from './metricNames.ts';

/** Bounded `outcome` dimension: status classes rather than codes keep the metric count small. */
export function attemptOutcome(attempt: AttemptRecord): string {
  if (attempt.outcome !== 'status') return attempt.outcome;
  return `${Math.floor((attempt.status ?? 0) / 100)}xx`;
}

/**
 * An attempt where the provider was down rather than answering: no HTTP answer at all, or a 5xx.
 * A 404 falls back too (default `fallback_on`), but 404 from every provider is "not found", an
 * everyday answer, and must not page anyone through the all-failed alarm.
 */
function providerDown(attempt: AttemptRecord): boolean {
  return attempt.outcome !== 'status' || (attempt.status ?? 0) >= 500;
}

/**
 * The router's `log` sink on Lambda: writes the per-request line of SPEC 8 through Powertools
 * Logger and counts attempts per provider and outcome, fallbacks and all-failed requests as EMF
 * metrics, so "how often did we fall back, and to whom" is one CloudWatch query.
 *
 * Attempt metrics go out as single metrics (one EMF object each) because each carries its own
 * `provider`/`outcome` dimensions; request-level counts are buffered and flushed by the handler
 * with `publishStoredMetrics()` at the end of the invocation.
 *
 * @example
 * createRouter({ config, fetch, log: createRequestLogSink(logger, metrics) });
 */
export function createRequestLogSink(logger: Logger, metrics: Metrics): (entry: RequestLogEntry) => void {
  // One single-metric emitter for the whole environment, not one per attempt: `singleMetric()`
  // builds a new Metrics (a Console, the environment read again), the largest cost of an
  // invocation after the upstream call. Each `addMetric` publishes at once and clears the
  // dimensions, so the next attempt starts clean.
  const single = metrics.singleMetric();
  return (entry) => {
    const { level, msg, ...fields } = entry;
    logger[level](msg, fields);
    for (const attempt of entry.attempts) {
      single
        .addDimensions({ provider: attempt.provider, outcome: attemptOutcome(attempt) })
        .addMetric(METRIC.attempts, MetricUnit.Count, 1);
    }
    metrics.addMetric(METRIC.requests, MetricUnit.Count, 1);
    if (entry.drained) metrics.addMetric(METRIC.drained, MetricUnit.Count, 1);
    if (entry.attempts.length > 1) {
      single.addDimension('provider', entry.provider ?? 'none').addMetric(METRIC.fallbacks, MetricUnit.Count, 1);
    }
    const allFailed = entry.attempts.length > 0 && entry.attempts.every(providerDown);
    metrics.addMetric(METRIC.allFailed, MetricUnit.Count, allFailed ? 1 : 0);
  };
}

/**
 * The core's config log (rejected reloads, invalid baked config) through Powertools Logger, so
 * the reason of a rejected SSM value is searchable next to the request lines.
 */
export function createConfigLogSink(logger: Logger): (line: Record<string, unknown>) => void {
  return (line) => {
    const { level, msg, ...fields } = line;
    const message = typeof msg === 'string' ? msg : 'config';
    if (level === 'error') logger.error(message, fields);
    else if (level === 'info') logger.info(message, fields);
    else logger.warn(message, fields);
  };
}
