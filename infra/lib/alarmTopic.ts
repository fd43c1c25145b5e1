import { RemovalPolicy, Duration } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { stageResourceName } from './stageNames.ts';

/** What {@link alarmTopic} made. */
export interface AlarmTopic {
  readonly topic: sns.Topic;
  /** The alarm action that publishes to it. */
  readonly action: cloudwatchActions.SnsAction;
}

/**
 * The SNS topic a stage's alarms notify, encrypted with a key of its own (the AWS-managed SNS key
 * does not let CloudWatch publish) and refusing plain-HTTP publishers; `email` subscribes an
 * address (SNS mails it a confirmation link first).
 *
 * @example
 * const { action } = alarmTopic(stack, 'prod', 'ops@example.com');
 */
export function alarmTopic(scope: Construct, stage: string, email?: string): AlarmTopic {
  const key = new kms.Key(scope, 'AlarmTopicKey', {
    description: `hadoku-route ${stage}: encrypts the alarm topic`,
    enableKeyRotation: true,
    // A removed stage leaves nothing billing: the key goes after the shortest waiting period.
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
  const topic = new sns.Topic(scope, 'AlarmTopic', {
    topicName: stageResourceName(stage, 'alarms'),
    displayName: `hadoku-route ${stage} alarms`,
    masterKey: key,
    enforceSSL: true,
  });
  if (email !== undefined) topic.addSubscription(new subscriptions.EmailSubscription(email));
  return { topic, action: new cloudwatchActions.SnsAction(topic) };
}
