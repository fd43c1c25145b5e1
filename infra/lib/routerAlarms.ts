import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/lambda/metricNames.ts';

/** Options of {@link createRouterAlarms}. */
export interface RouterAlarmsOptions {
  /** The router function. */
  readonly function: lambda.IFunction;
  /** Alarm names are `<prefix>-errors` etc.; generated when absent. */
  readonly namePrefix?: string;
  /** p99 duration above this for 15 minutes raises the duration alarm. */
  readonly durationThreshold: Duration;
  /** Where each alarm reports (e.g. an SNS topic action). */
  readonly actions: readonly cloudwatch.IAlarmAction[];
}

/** The router's alarms, each reporting to every action given. */
export interface RouterAlarms {
  /** The function itself failed: threw, timed out or ran out of memory. */
  readonly errors: cloudwatch.Alarm;
  /** A routed request found every provider failing (the EMF metric the handler emits). */
  readonly allProvidersFailed: cloudwatch.Alarm;
  /** Lambda refused requests: reserved concurrency reached, clients got 429. */
  readonly throttles: cloudwatch.Alarm;
  /** Requests are slow: p99 duration high for three periods in a row. */
  readonly duration: cloudwatch.Alarm;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Creates the four alarms of a router function. Missing data is "not breaching": a function
 * nobody calls is healthy, not alarming.
 *
 * @example
 * const alarms = createRouterAlarms(this, { function: fn, durationThreshold: Duration.seconds(4), actions: [new SnsAction(topic)] });
 */
export function createRouterAlarms(scope: Construct, options: RouterAlarmsOptions): RouterAlarms {
  const { function: fn } = options;
  const name = (what: string): string | undefined => (options.namePrefix === undefined ? undefined : `${options.namePrefix}-${what}`);
  const atLeastOnce = (metric: cloudwatch.IMetric, id: string, what: string, description: string): cloudwatch.Alarm =>
    new cloudwatch.Alarm(scope, id, { metric, ...alarmProps(name(what), description) });

  const errors = atLeastOnce(
    fn.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
    'ErrorsAlarm',
    'errors',
    'hadoku-route router function failed (threw, timed out or ran out of memory)',
  );
  // Powertools Metrics adds the `service` dimension to every metric, and an alarm matches a
  // metric only with exactly its dimensions.
  const allProvidersFailed = atLeastOnce(
    new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: METRIC.allFailed,
      dimensionsMap: { service: SERVICE_NAME },
      statistic: cloudwatch.Stats.SUM,
      period: FIVE_MINUTES,
    }),
    'AllProvidersFailedAlarm',
    'all-providers-failed',
    'hadoku-route: every provider failed for at least one routed request',
  );
  const throttles = atLeastOnce(
    fn.metricThrottles({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
    'ThrottlesAlarm',
    'throttles',
    'hadoku-route: Lambda refused requests with 429 (reserved concurrency reached: raise it or look for a flood)',
  );
  const duration = new cloudwatch.Alarm(scope, 'DurationAlarm', {
    metric: fn.metricDuration({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.p(99) }),
    alarmName: name('p99-duration'),
    alarmDescription: `hadoku-route: p99 duration above ${options.durationThreshold.toMilliseconds()} ms for 15 minutes (providers timing out?)`,
    threshold: options.durationThreshold.toMilliseconds(),
    evaluationPeriods: 3,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const alarms = { errors, allProvidersFailed, throttles, duration };
  for (const alarm of Object.values(alarms)) for (const action of options.actions) alarm.addAlarmAction(action);
  return alarms;
}

function alarmProps(alarmName: string | undefined, alarmDescription: string): cloudwatch.CreateAlarmOptions {
  return {
    alarmName,
    alarmDescription,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
}
