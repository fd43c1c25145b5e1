import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { HEALTH_DOC } from '../../shared/defaults.ts';
import type { HealthDocument } from '../../shared/healthDocument.ts';

/**
 * The parameter's value until the first probe round: a valid document checked at the epoch, so
 * every reader finds it stale and ignores it. A fresh-looking "nothing is down" would be a claim
 * nobody made.
 */
export const NO_PROBE_YET: HealthDocument = {
  version: 1,
  checked_at: new Date(0).toISOString(),
  interval_s: HEALTH_DOC.intervalS,
  by: 'cdk',
  providers: {},
};

/** Props of {@link HealthSchedule}. */
export interface HealthScheduleProps {
  /** The router function: each scheduled event is one probe round, written to the parameter. */
  readonly function: lambda.Function;

  /** Name of the SSM String parameter the document lives in (`ROUTE_HEALTH_PARAM`). */
  readonly parameterName: string;
}

/**
 * Shared health for the Lambda twin: an EventBridge rule invokes the router function every
 * {@link HEALTH_DOC}.intervalS seconds; the function probes every provider and writes the health
 * document to one SSM String parameter, which every execution environment reads beside its config
 * (one `GetParameters` for both), so a cold start already knows which providers are down.
 *
 * The function may put and get that one parameter, nothing more. Neither EventBridge nor Lambda
 * retries a round: the next one is a minute away, and a retry would only add load on a provider
 * that is already struggling.
 *
 * @example
 * new HealthSchedule(this, 'Health', { function: router.function, parameterName: healthParameterName('prod') });
 */
export class HealthSchedule extends Construct {
  /** The parameter holding the health document. */
  readonly parameter: ssm.StringParameter;
  /** The schedule rule that starts each probe round. */
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: HealthScheduleProps) {
    super(scope, id);
    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      parameterName: props.parameterName,
      stringValue: JSON.stringify(NO_PROBE_YET),
      // The document is small; the function's PutParameter names Standard too, so it never moves up.
      tier: ssm.ParameterTier.STANDARD,
      description: 'hadoku-route shared health document; written every minute by the router function, read beside its config',
    });
    this.parameter.grantRead(props.function);
    this.parameter.grantWrite(props.function);
    props.function.addEnvironment('ROUTE_HEALTH_PARAM', this.parameter.parameterName);
    props.function.configureAsyncInvoke({ retryAttempts: 0 });

    this.rule = new events.Rule(this, 'Rule', {
      schedule: events.Schedule.rate(Duration.minutes(HEALTH_DOC.intervalS / 60)),
      description: 'hadoku-route: probe every provider and write the shared health document',
      // A round older than one interval is superseded by the next: never delivered late.
      targets: [new targets.LambdaFunction(props.function, { retryAttempts: 0, maxEventAge: Duration.seconds(HEALTH_DOC.intervalS) })],
    });
  }
}
