import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { Env } from '../../shared/index.ts';
import { PROVIDER_BASE_VARIABLES, readDeployInputs, readVariables } from './deployInputs.ts';
import { MissingVariableError } from './errors.ts';
import { RouterFunction } from './routerFunction.ts';
import { configVariableNames, readRouteConfigFile } from './routeConfigFile.ts';

/** Props of {@link RouterStack}. */
export interface RouterStackProps extends StackProps {
  /**
   * Directory the `config` context path is relative to.
   *
   * @default - the repository root
   */
  readonly repoRoot?: string;

  /**
   * Environment the `${VAR}` values (provider bases) are read from when context has none.
   *
   * @default process.env
   */
  readonly variableSource?: Env;
}

/**
 * The deployable unit of the Lambda twin: one {@link RouterFunction} built from the repository's
 * route config and the deploy-time context (`config`, `drain`, `self`, `auth`, `configMaxAge`,
 * and a value for each `${VAR}` plus `LOCAL_BASE`/`WORKER_BASE`/`LAMBDA_BASE`), with the outputs
 * `FunctionUrl` and `ParameterName`.
 */
export class RouterStack extends Stack {
  /** The router construct, for tests and for stacks that add to it. */
  readonly router: RouterFunction;

  constructor(scope: Construct, id: string, props: RouterStackProps = {}) {
    super(scope, id, {
      description: 'hadoku-route: Lambda Function URL router with its routing config in SSM',
      ...props,
    });
    const repoRoot = props.repoRoot ?? fileURLToPath(new URL('../../', import.meta.url));
    const inputs = readDeployInputs(this.node, repoRoot);
    const configText = readRouteConfigFile(inputs.configFile);
    const referenced = configVariableNames(configText);
    const variables = readVariables(this.node, props.variableSource ?? process.env, new Set([...PROVIDER_BASE_VARIABLES, ...referenced]));
    const missing = referenced.filter((name) => !(name in variables));
    if (missing.length > 0) throw new MissingVariableError(inputs.configFile, missing);

    this.router = new RouterFunction(this, 'Router', {
      configText,
      configSource: inputs.configFile,
      variables,
      drain: inputs.drain,
      self: inputs.self,
      authType: inputs.auth === 'AWS_IAM' ? lambda.FunctionUrlAuthType.AWS_IAM : lambda.FunctionUrlAuthType.NONE,
      configMaxAge: inputs.configMaxAgeSeconds === undefined ? undefined : Duration.seconds(inputs.configMaxAgeSeconds),
    });

    new CfnOutput(this, 'FunctionUrl', {
      value: this.router.url,
      description: 'Function URL: the base to use as this provider in route-config.json',
    });
    new CfnOutput(this, 'ParameterName', {
      value: this.router.parameter.parameterName,
      description: 'SSM parameter holding the routing config (hadoku-route flip --target ssm)',
    });
  }
}
