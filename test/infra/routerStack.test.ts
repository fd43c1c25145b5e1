import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { NO_PROBE_YET } from '../../infra/lib/healthSchedule.ts';
import { readHealthDocument } from '../../shared/index.ts';
import { FIXTURE_CONFIG, LOCAL_BASE, REPO_ROOT, normalisedTemplate, templateOf } from './stackFixture.ts';

const fixtureText = readFileSync(FIXTURE_CONFIG, 'utf8');

function environmentOf(template: ReturnType<typeof templateOf>): Record<string, unknown> {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
  return (fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables;
}

describe('Class: RouterStack', () => {
  // One template for the read-only assertions: synth is the slow part.
  const template = templateOf({ variableSource: { WORKER_BASE: 'https://worker.example.com', UNRELATED: 'x' } });

  describe('Resource: AWS::Lambda::Function', () => {
    it('runs Node.js 24 on ARM64 with a timeout above the config deadline', () => {
      // Act + Assess
      template.resourceCountIs('AWS::Lambda::Function', 1);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 256,
        // deadline_ms defaults to 8000: the router answers 504 before Lambda kills it.
        Timeout: 10,
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^RouterLogGroup') } },
        // cdk.json has no reservedConcurrency: the default cost cap.
        ReservedConcurrentExecutions: 10,
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/hadoku-route/dev/router' });
    });

    it('gets the parameter name, max age, Powertools names and provider bases in its environment', () => {
      // Act
      const env = environmentOf(template);

      // Assess
      expect(env).toEqual({
        LOCAL_BASE,
        WORKER_BASE: 'https://worker.example.com',
        ROUTE_CONFIG_PARAMETER: { Ref: expect.stringMatching(/^RouterConfigParameter/) },
        ROUTE_HEALTH_PARAM: { Ref: expect.stringMatching(/^RouterHealthParameter/) },
        ROUTE_CONFIG_MAX_AGE: '10',
        POWERTOOLS_SERVICE_NAME: 'hadoku-route',
        POWERTOOLS_METRICS_NAMESPACE: 'HadokuRoute',
        // cdk.json: this stack is provider 3 of the repository's config, and never calls itself.
        ROUTE_SELF: '3',
        NODE_OPTIONS: '--enable-source-maps',
      });
    });
  });

  describe('Resource: AWS::Lambda::Url', () => {
    it('is public (auth NONE) and buffered by default', () => {
      template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', InvokeMode: 'BUFFERED' });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunctionUrl',
        FunctionUrlAuthType: 'NONE',
        Principal: '*',
      });
    });

    it('takes AWS_IAM from context and then grants nobody', () => {
      // Act
      const iam = templateOf({ context: { auth: 'AWS_IAM' } });

      // Assess
      iam.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
      expect(iam.findResources('AWS::Lambda::Permission', { Properties: { Principal: '*' } })).toEqual({});
    });
  });

  describe('Resource: AWS::SSM::Parameter', () => {
    it('holds route-config.json as it is, under the stage, in the Standard tier', () => {
      template.resourceCountIs('AWS::SSM::Parameter', 2);
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Name: '/hadoku-route/dev/route-config',
        Type: 'String',
        Tier: 'Standard',
        // Tokens stay unresolved in the stored value: the function resolves them from its env.
        Value: fixtureText,
      });
    });
  });

  describe('Resource: AWS::SSM::Parameter (shared health)', () => {
    it('holds a String, Standard document that reads as stale until the first probe round', () => {
      // Act
      const [parameter] = Object.values(
        template.findResources('AWS::SSM::Parameter', { Properties: { Name: '/hadoku-route/dev/route-health' } }),
      ) as Array<{ Properties: { Type: string; Tier: string; Value: string } }>;

      // Assess: valid (a reader's shape check passes), but checked at the epoch, so ignored.
      expect(parameter?.Properties).toMatchObject({ Type: 'String', Tier: 'Standard' });
      expect(JSON.parse(parameter!.Properties.Value)).toEqual(NO_PROBE_YET);
      const advice = readHealthDocument(parameter!.Properties.Value, Date.now());
      expect(advice.ok === false && advice.problem).toMatch(/^health document stale/);
    });
  });

  describe('Resource: AWS::Events::Rule', () => {
    it('invokes the function every minute, without retries, with events no older than one interval', () => {
      template.resourceCountIs('AWS::Events::Rule', 1);
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [
          {
            Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RouterFunction'), 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
          },
        ],
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RouterHealthRule'), 'Arn'] },
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
    });
  });

  describe('Resource: AWS::IAM', () => {
    it('lets the function read its two parameters, write the health one and its one log group, nothing more', () => {
      // Assess
      template.resourceCountIs('AWS::IAM::Role', 1);
      template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
      template.resourceCountIs('AWS::IAM::Policy', 1);
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            {
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Effect: 'Allow',
              Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RouterLogGroup'), 'Arn'] },
            },
            // The config and the health document (read together, beside each other).
            {
              Action: ['ssm:DescribeParameters', 'ssm:GetParameter', 'ssm:GetParameterHistory', 'ssm:GetParameters'],
              Effect: 'Allow',
              Resource: [
                { 'Fn::Join': ['', Match.arrayWith([':parameter', { Ref: Match.stringLikeRegexp('^RouterConfigParameter') }])] },
                { 'Fn::Join': ['', Match.arrayWith([':parameter', { Ref: Match.stringLikeRegexp('^RouterHealthParameter') }])] },
              ],
            },
            // Only the health document is written, by the scheduled probe round.
            {
              Action: 'ssm:PutParameter',
              Effect: 'Allow',
              Resource: {
                'Fn::Join': ['', Match.arrayWith([':parameter', { Ref: Match.stringLikeRegexp('^RouterHealthParameter') }])],
              },
            },
          ],
        },
      });
    });
  });

  describe('Resource: AWS::Logs::LogGroup', () => {
    it('keeps the logs for a month', () => {
      template.resourceCountIs('AWS::Logs::LogGroup', 1);
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    });
  });

  describe('Resource: AWS::CloudWatch::Alarm', () => {
    it('alarms on any function error', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^RouterFunction') } }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    });

    it('alarms when every provider failed, on the EMF metric the function emits', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'HadokuRoute',
        MetricName: 'AllProvidersFailed',
        // Powertools adds `service` to every metric; an alarm must name exactly those dimensions.
        Dimensions: [{ Name: 'service', Value: 'hadoku-route' }],
        Statistic: 'Sum',
        Threshold: 1,
      });
    });

    it('alarms on throttles and on a high p99 duration (half the largest deadline, 15 minutes)', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Lambda', MetricName: 'Throttles', Threshold: 1 });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Duration',
        ExtendedStatistic: 'p99',
        Threshold: 4000,
        EvaluationPeriods: 3,
      });
      template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    });

    it('notifies the encrypted alarm topic from every alarm, with names that carry the stage', () => {
      // Act
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Array<{ Properties: Record<string, unknown> }>;

      // Assess
      expect(alarms.map((alarm) => alarm.Properties.AlarmName).sort()).toEqual([
        'hadoku-route-dev-router-all-providers-failed',
        'hadoku-route-dev-router-errors',
        'hadoku-route-dev-router-p99-duration',
        'hadoku-route-dev-router-throttles',
      ]);
      for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmTopic/) }]);
      template.hasResourceProperties('AWS::SNS::Topic', {
        TopicName: 'hadoku-route-dev-alarms',
        KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmTopicKey'), 'Arn'] },
      });
      template.resourceCountIs('AWS::SNS::Subscription', 0);
    });
  });

  describe('Outputs', () => {
    it('exports FunctionUrl, ParameterName and HealthParameterName', () => {
      template.hasOutput('FunctionUrl', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('FunctionUrl'), 'FunctionUrl'] } });
      template.hasOutput('ParameterName', { Value: { Ref: Match.stringLikeRegexp('^RouterConfigParameter') } });
      template.hasOutput('HealthParameterName', { Value: { Ref: Match.stringLikeRegexp('^RouterHealthParameter') } });
    });
  });

  describe('Context: drain', () => {
    it('-c drain=true sets ROUTE_DRAIN', () => {
      expect(environmentOf(templateOf({ context: { drain: 'true' } }))).toMatchObject({ ROUTE_DRAIN: 'true' });
    });

    it('-c self= (empty) clears the default self', () => {
      expect(environmentOf(templateOf({ context: { self: '' } }))).not.toHaveProperty('ROUTE_SELF');
    });

    it('-c drain=false removes ROUTE_DRAIN entirely', () => {
      expect(environmentOf(templateOf({ context: { drain: 'false' } }))).not.toHaveProperty('ROUTE_DRAIN');
    });

    it('rejects a value that is not a boolean instead of guessing', () => {
      expect(() => templateOf({ context: { drain: 'ture' } })).toThrow('context "drain": expected true or false, got "ture"');
    });
  });

  describe('Context: provider bases, self and max age', () => {
    it('prefers context over the environment and passes self and max age through', () => {
      // Act
      const env = environmentOf(
        templateOf({
          context: { WORKER_BASE: 'https://ctx.example.com', self: '2', configMaxAge: '30' },
          variableSource: { WORKER_BASE: 'https://env.example.com', LAMBDA_BASE: 'https://lambda.example.com' },
        }),
      );

      // Assess
      expect(env).toMatchObject({
        WORKER_BASE: 'https://ctx.example.com',
        LAMBDA_BASE: 'https://lambda.example.com',
        ROUTE_SELF: '2',
        ROUTE_CONFIG_MAX_AGE: '30',
      });
    });
  });

  describe('Context: rejected values', () => {
    it.each([
      [{ auth: 'PUBLIC' }, 'context "auth": expected NONE or AWS_IAM, got "PUBLIC"'],
      [{ configMaxAge: '2.5' }, 'context "configMaxAge": expected a whole number of seconds > 0, got "2.5"'],
      [{ LOCAL_BASE: 'home.example.com' }, 'variables.LOCAL_BASE: expected an absolute http(s) URL'],
    ])('%j fails synth with: %s', (context, message) => {
      expect(() => templateOf({ context })).toThrow(message);
    });
  });

  describe('Context: config', () => {
    it("deploys the repository's own route-config.json once its three provider bases are given", () => {
      // Prepare
      const file = join(REPO_ROOT, 'route-config.json');
      const context = { config: 'route-config.json', WORKER_BASE: 'https://worker.example.com' };

      // Act
      const repo = templateOf({ context, variableSource: { LAMBDA_BASE: 'https://pending.invalid' } });

      // Assess
      repo.hasResourceProperties('AWS::SSM::Parameter', { Value: readFileSync(file, 'utf8') });
      expect(environmentOf(repo)).toMatchObject({
        LOCAL_BASE,
        WORKER_BASE: 'https://worker.example.com',
        LAMBDA_BASE: 'https://pending.invalid',
      });
    });
  });

  it('matches the snapshot (asset hashes normalised)', () => {
    expect(normalisedTemplate(template)).toMatchSnapshot();
  });
});
