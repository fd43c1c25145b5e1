import { fileURLToPath } from 'node:url';
import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { LAMBDA_ENTRY, lambdaBundling } from '../../functions/lambda/bundling.ts';
import { METRIC, METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/lambda/metricNames.ts';
import { InvalidInputError } from './errors.ts';
import { checkRouteConfig } from './routeConfigFile.ts';

/** Repository root: NodejsFunction's project root and the base of the default entry. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

// Names Lambda reserves, and those this construct sets: a `variables` entry must not silently
// replace one.
const RESERVED_VARIABLES = /^(AWS_.*|_.*|LAMBDA_TASK_ROOT|LAMBDA_RUNTIME_DIR|TZ|NODE_OPTIONS|POWERTOOLS_.*|ROUTE_.*)$/;
const BASE_VARIABLE = /_BASE$/;

/** Props of {@link RouterFunction}. */
export interface RouterFunctionProps {
  /**
   * The route config JSON exactly as stored: the SSM parameter's initial value and the config
   * baked into the bundle for a cold start without SSM. Validated with the core's `parseConfig`
   * against {@link variables}; it must fit an SSM Standard parameter (4096 bytes).
   */
  readonly configText: string;

  /**
   * How error messages name the config (its file path).
   *
   * @default 'route-config.json'
   */
  readonly configSource?: string;

  /**
   * Environment values for the config's `${VAR}` tokens, e.g. the provider bases `LOCAL_BASE`,
   * `WORKER_BASE`, `LAMBDA_BASE`. Each becomes a variable of the function. A name ending in
   * `_BASE` must hold an absolute http(s) URL.
   *
   * @default {}
   */
  readonly variables?: Readonly<Record<string, string>>;

  /**
   * Drain switch for failover drills: the function answers 503 to every routed request without
   * contacting any provider (`ROUTE_DRAIN=true`), so routers in front fall over.
   *
   * @default false
   */
  readonly drain?: boolean;

  /**
   * This deployment's provider id in the config (`ROUTE_SELF`), which the router never calls.
   *
   * @default - none: only a provider whose origin is the request's own is treated as self
   */
  readonly self?: string;

  /**
   * Who may invoke the Function URL.
   *
   * @default lambda.FunctionUrlAuthType.NONE
   */
  readonly authType?: lambda.FunctionUrlAuthType;

  /**
   * Name of the SSM String parameter holding the config (what `hadoku-route flip --target ssm`
   * writes).
   *
   * @default '/hadoku-route/route-config'
   */
  readonly parameterName?: string;

  /**
   * How long each function environment caches the parameter before reading SSM again
   * (`ROUTE_CONFIG_MAX_AGE`, whole seconds).
   *
   * @default Duration.seconds(10)
   */
  readonly configMaxAge?: Duration;

  /**
   * Function timeout; must exceed the config's largest `deadline_ms`, so the router, not Lambda,
   * ends a slow request (with a 504 and its attempts).
   *
   * @default - largest `deadline_ms` of the config rounded up to whole seconds, plus 2 s
   */
  readonly timeout?: Duration;

  /**
   * Memory in MB (Lambda also scales CPU with it).
   *
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * How long the function's logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Actions for both alarms (e.g. an SNS topic action).
   *
   * @default - none: the alarms only change state
   */
  readonly alarmActions?: readonly cloudwatch.IAlarmAction[];

  /**
   * Whether Node applies the bundle's source map to stack traces (`NODE_OPTIONS=--enable-source-maps`).
   * Costs about 25 ms per cold start here (parsing a ~2 MB map), buys readable stacks in the logs.
   *
   * @default true
   */
  readonly enableSourceMaps?: boolean;

  /**
   * Handler source file (export `handler`), bundled by the local esbuild.
   *
   * @default - functions/lambda/handler.ts (`LAMBDA_ENTRY`)
   */
  readonly entry?: string;
}

/**
 * The Lambda twin of the router (provider 3): a Node.js 24 ARM64 function behind a Function URL,
 * reading its routing config from an SSM parameter it alone may read, with log retention and
 * alarms on function errors and on requests where every provider failed.
 *
 * @example
 * const router = new RouterFunction(stack, 'Router', {
 *   configText: readFileSync('route-config.json', 'utf8'),
 *   variables: { LOCAL_BASE: 'https://home.example.com' },
 * });
 * new CfnOutput(stack, 'FunctionUrl', { value: router.url });
 */
export class RouterFunction extends Construct {
  /** The router function. */
  readonly function: NodejsFunction;
  /** Its Function URL. */
  readonly functionUrl: lambda.FunctionUrl;
  /** The URL itself (`https://<id>.lambda-url.<region>.on.aws/`). */
  readonly url: string;
  /** The SSM parameter holding the route config. */
  readonly parameter: ssm.StringParameter;
  /** The function's log group. */
  readonly logGroup: logs.LogGroup;
  /** In alarm when the function itself fails (throws, times out, runs out of memory). */
  readonly errorsAlarm: cloudwatch.Alarm;
  /** In alarm when a routed request found every provider failing. */
  readonly allProvidersFailedAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RouterFunctionProps) {
    super(scope, id);
    const settings = validate(props);

    this.parameter = new ssm.StringParameter(this, 'ConfigParameter', {
      parameterName: settings.parameterName,
      stringValue: props.configText,
      tier: ssm.ParameterTier.STANDARD,
      description: 'hadoku-route routing config (route-config.json); read by the router function',
    });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: settings.logRetention });

    // A role of our own instead of AWSLambdaBasicExecutionRole: the function may write to its one
    // log group and read its one parameter, nothing else (no logs:CreateLogGroup on "*").
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'hadoku-route router function',
    });
    this.logGroup.grantWrite(role);

    // The one esbuild definition the tests and `serve` also build with; only the enum is CDK's.
    const bundling = { ...lambdaBundling(props.configText), format: OutputFormat.ESM };
    this.function = new NodejsFunction(this, 'Function', {
      entry: settings.entry,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: settings.memorySize,
      timeout: settings.timeout,
      role,
      logGroup: this.logGroup,
      bundling,
      description: 'hadoku-route: ordered-fallback router (Function URL)',
      environment: {
        ...settings.variables,
        ROUTE_CONFIG_PARAMETER: this.parameter.parameterName,
        ROUTE_CONFIG_MAX_AGE: String(settings.configMaxAgeSeconds),
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...(settings.self === undefined ? {} : { ROUTE_SELF: settings.self }),
        // Absent rather than "false" when not draining: restoring removes the variable entirely.
        ...(settings.drain ? { ROUTE_DRAIN: 'true' } : {}),
        // Source maps are only applied to stack traces when Node is told to.
        ...(bundling.sourceMap && settings.enableSourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
      },
    });
    this.parameter.grantRead(this.function);

    this.functionUrl = this.function.addFunctionUrl({
      authType: settings.authType,
      invokeMode: lambda.InvokeMode.BUFFERED,
    });
    this.url = this.functionUrl.url;

    this.errorsAlarm = this.function
      .metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM })
      .createAlarm(this, 'ErrorsAlarm', {
        alarmDescription: 'hadoku-route router function failed (threw, timed out or ran out of memory)',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });

    // Powertools Metrics adds the `service` dimension to every metric, and an alarm matches a
    // metric only with exactly its dimensions.
    this.allProvidersFailedAlarm = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: METRIC.allFailed,
      dimensionsMap: { service: SERVICE_NAME },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
    }).createAlarm(this, 'AllProvidersFailedAlarm', {
      alarmDescription: 'hadoku-route: every provider failed for at least one routed request',
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    for (const action of props.alarmActions ?? []) {
      this.errorsAlarm.addAlarmAction(action);
      this.allProvidersFailedAlarm.addAlarmAction(action);
    }
  }
}

interface Settings {
  readonly entry: string;
  readonly variables: Readonly<Record<string, string>>;
  readonly drain: boolean;
  readonly self?: string;
  readonly authType: lambda.FunctionUrlAuthType;
  readonly parameterName: string;
  readonly configMaxAgeSeconds: number;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: logs.RetentionDays;
  readonly enableSourceMaps: boolean;
}

// Every check runs before a single resource exists, so a bad input never half-builds the tree.
function validate(props: RouterFunctionProps): Settings {
  const source = props.configSource ?? 'route-config.json';
  const variables = props.variables ?? {};
  for (const [name, value] of Object.entries(variables)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || RESERVED_VARIABLES.test(name)) {
      throw new InvalidInputError(`variables.${name}`, 'not a usable environment variable name (reserved or malformed)');
    }
    if (BASE_VARIABLE.test(name) && !isHttpUrl(value)) {
      throw new InvalidInputError(`variables.${name}`, `expected an absolute http(s) URL, got "${value}"`);
    }
  }
  const config = checkRouteConfig(props.configText, source, variables);

  const providers = Object.keys((JSON.parse(props.configText) as { providers: object }).providers);
  if (props.self !== undefined && !providers.includes(props.self)) {
    throw new InvalidInputError('self', `"${props.self}" is not a provider id of ${source} (known: ${providers.join(', ')})`);
  }

  const parameterName = props.parameterName ?? '/hadoku-route/route-config';
  if (!Token.isUnresolved(parameterName) && !isParameterName(parameterName)) {
    throw new InvalidInputError(
      'parameterName',
      `"${parameterName}" is not a valid SSM parameter name (letters, digits, _ . - /; not starting with aws or ssm)`,
    );
  }

  const configMaxAgeMs = (props.configMaxAge ?? Duration.seconds(10)).toMilliseconds();
  if (configMaxAgeMs % 1000 !== 0 || configMaxAgeMs < 1000) {
    throw new InvalidInputError('configMaxAge', `expected whole seconds >= 1, got ${configMaxAgeMs} ms`);
  }
  const configMaxAgeSeconds = configMaxAgeMs / 1000;

  const timeout = props.timeout ?? Duration.seconds(Math.ceil(config.maxDeadlineMs / 1000) + 2);
  const timeoutMs = timeout.toMilliseconds();
  if (timeoutMs <= config.maxDeadlineMs || timeoutMs > 900_000 || timeoutMs % 1000 !== 0) {
    throw new InvalidInputError(
      'timeout',
      `must be whole seconds, above the config's largest deadline_ms (${config.maxDeadlineMs} ms) and at most 900 s, got ${timeoutMs} ms`,
    );
  }

  const memorySize = props.memorySize ?? 256;
  if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240) {
    throw new InvalidInputError('memorySize', `expected a whole number of MB from 128 to 10240, got ${memorySize}`);
  }

  return {
    entry: props.entry ?? LAMBDA_ENTRY,
    variables,
    drain: props.drain ?? false,
    self: props.self,
    authType: props.authType ?? lambda.FunctionUrlAuthType.NONE,
    parameterName,
    configMaxAgeSeconds,
    timeout,
    memorySize,
    logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    enableSourceMaps: props.enableSourceMaps ?? true,
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

// SSM's naming rules: allowed characters, at most 1011 characters for the name part, and no
// reserved "aws"/"ssm" prefix, whether or not the name is hierarchical.
function isParameterName(name: string): boolean {
  const bare = name.startsWith('/') ? name.slice(1) : name;
  return /^[A-Za-z0-9_.\-/]+$/.test(name) && name.length <= 1011 && !/^(aws|ssm)/i.test(bare) && !name.includes('//');
}
