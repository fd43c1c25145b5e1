/**
 * Names the Lambda emits in CloudWatch (EMF) and the CDK app alarms on. Kept free of imports so
 * the CDK code can use them without loading Powertools.
 */

/** CloudWatch namespace of every metric. */
export const METRICS_NAMESPACE = 'HadokuRoute';

/** Powertools `service` name: a dimension of every metric and a key of every log line. */
export const SERVICE_NAME = 'hadoku-route';

/** Metric names. Every metric has the `service` dimension; the others are listed per metric. */
export const METRIC = {
  /** One per attempt; dimensions `provider` and `outcome` (`2xx` ... `5xx`, `timeout`, `error`, `aborted`). */
  attempts: 'ProviderAttempts',
  /** One per routed request answered after more than one attempt; dimension `provider` (who answered, `none` for router-made). */
  fallbacks: 'Fallbacks',
  /**
   * Per routed request: 1 when every attempt failed with no answer or a 5xx (the client got a
   * router-made 502/504 or the last 5xx), else 0. Every provider answering 404 is not counted.
   */
  allFailed: 'AllProvidersFailed',
  /** One per routed request. */
  requests: 'RoutedRequests',
  /** One per request answered 503 because `ROUTE_DRAIN` is set. */
  drained: 'DrainedRequests',
} as const;
