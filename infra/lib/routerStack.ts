import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { apps as repositoryApps } from '../../apps/index.ts';
import type { Env } from '../../shared/index.ts';
import { alarmTopic } from './alarmTopic.ts';
import { checkHostedApps } from './checkHostedApps.ts';
import { PROVIDER_BASE_VARIABLES, readDeployInputs, readVariables, type DeployInputs } from './deployInputs.ts';
import { InvalidInputError, MissingVariableError } from './errors.ts';
import { RouterFunction } from './routerFunction.ts';
import { authVariableNames, configVariableNames, readRouteConfigFile } from './routeConfigFile.ts';
import { healthParameterName, secretParameterName, ssmParameterName, stageResourceName } from './stageNames.ts';

/** Props of {@link RouterStack}. */
export interface RouterStackProps extends StackProps {
  /**
   * The stage this stack deploys; wins over `-c stage=` (a test builds two stages in one app).
   *
   * @default - context `stage`, else `dev`
   */
  readonly stage?: string;

  /**
   * Directory the `config` context path is relative to.
   *
   * @default - the repository root
   */
  readonly repoRoot?: string;

  /**
   * Environment the `${VAR}` values (provider bases) are read from when context has none.
   * Secret variables are never read from it.
   *
   * @default process.env
   */
  readonly variableSource?: Env;

  /**
   * The app registry bundled into the function, checked at synth.
   *
   * @default - the repository's `apps/index.ts`
   */
  readonly registry?: Readonly<Record<string, unknown>>;
}

/**
 * The deployable unit of the Lambda twin, one per stage: a {@link RouterFunction} built from the
 * repository's route config and the deploy-time context (see `deployInputs.ts`), its alarms
 * reporting to an encrypted SNS topic, every resource tagged `app` and `stage`, with the outputs
 * `FunctionUrl`, `ParameterName`, `HealthParameterName` and `AlarmTopicArn`.
 *
 * @example
 * new RouterStack(app, stackId('prod'), { stage: 'prod' });
 */
export class RouterStack extends Stack {
  /** The router construct, for tests and for stacks that add to it. */
  readonly router: RouterFunction;
  /** The stage every name of this stack carries. */
  readonly stage: string;

  constructor(scope: Construct, id: string, props: RouterStackProps = {}) {
    super(scope, id, props);
    const repoRoot = props.repoRoot ?? fileURLToPath(new URL('../../', import.meta.url));
    const inputs = readDeployInputs(this.node, repoRoot);
    const stage = props.stage ?? inputs.stage;
    this.stage = stage;
    // Set here, not in super(): the stage may come from context, which exists only once the stack does.
    this.templateOptions.description =
      props.description ?? `hadoku-route (${stage}): Lambda Function URL router with its routing config in SSM`;
    checkHostedApps(props.registry ?? repositoryApps, inputs.apps);

    const configText = readRouteConfigFile(inputs.configFile);
    const secrets = secretVariables(this, inputs, configText, stage);
    const referenced = configVariableNames(configText).filter((name) => !(name in secrets));
    // A secret is never read from context or the environment, even when it is a provider base.
    const plain = new Set([...PROVIDER_BASE_VARIABLES, ...referenced].filter((name) => !(name in secrets)));
    const variables = readVariables(this.node, props.variableSource ?? process.env, plain);
    const missing = referenced.filter((name) => !(name in variables));
    if (missing.length > 0) throw new MissingVariableError(inputs.configFile, missing);

    const topic = alarmTopic(this, stage, inputs.alarmEmail);
    this.router = new RouterFunction(this, 'Router', {
      configText,
      configSource: inputs.configFile,
      variables,
      secrets,
      apps: inputs.apps,
      drain: inputs.drain,
      self: inputs.self,
      authType: inputs.auth === 'AWS_IAM' ? lambda.FunctionUrlAuthType.AWS_IAM : lambda.FunctionUrlAuthType.NONE,
      configMaxAge: inputs.configMaxAgeSeconds === undefined ? undefined : Duration.seconds(inputs.configMaxAgeSeconds),
      parameterName: ssmParameterName(stage),
      healthParameterName: healthParameterName(stage),
      logGroupName: `/hadoku-route/${stage}/router`,
      alarmNamePrefix: stageResourceName(stage, 'router'),
      alarmActions: [topic.action],
      reservedConcurrency: inputs.reservedConcurrency,
    });

    // Every taggable resource, so a bill or a console filter splits by app and stage.
    Tags.of(this).add('app', 'hadoku-route');
    Tags.of(this).add('stage', stage);

    new CfnOutput(this, 'FunctionUrl', {
      value: this.router.url,
      description: 'Function URL: the base to use as this provider in route-config.json',
    });
    new CfnOutput(this, 'ParameterName', {
      value: this.router.parameter.parameterName,
      description: 'SSM parameter holding the routing config (hadoku-route flip --target ssm)',
    });
    new CfnOutput(this, 'HealthParameterName', {
      value: this.router.health.parameter.parameterName,
      description: 'SSM parameter holding the shared health document (written every minute by the function)',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: topic.topic.topicArn,
      description: 'SNS topic the alarms notify (subscribe more endpoints to it)',
    });
  }
}

/**
 * Secret variables -> their SecureString parameter: every `${VAR}` of an `auth.value`, plus those
 * named in `-c secrets=`. A secret given a plain value in context is refused: it would sit in a
 * shell history or a CI log, and the stack would have nowhere safe to put it anyway.
 */
function secretVariables(stack: Stack, inputs: DeployInputs, configText: string, stage: string): Record<string, string> {
  const referenced = configVariableNames(configText);
  const unknown = inputs.secrets.find((name) => !referenced.includes(name));
  if (unknown !== undefined) {
    throw new InvalidInputError(
      'context "secrets"',
      `"${unknown}" is not a \${VAR} of ${inputs.configFile} (it uses: ${referenced.join(', ') || 'none'})`,
    );
  }
  const names = [...new Set([...authVariableNames(configText), ...inputs.secrets])];
  for (const name of names) {
    const given: unknown = stack.node.tryGetContext(name);
    if (given !== undefined && given !== null && given !== '') {
      throw new InvalidInputError(
        `context "${name}"`,
        `is a secret: store it with "aws ssm put-parameter --type SecureString --name ${secretParameterName(stage, name)}", not -c`,
      );
    }
  }
  return Object.fromEntries(names.map((name) => [name, secretParameterName(stage, name)]));
}
