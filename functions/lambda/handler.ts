import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyStructuredResultV2, Context, LambdaFunctionURLEvent, ScheduledEvent } from 'aws-lambda';
import { createRouter, hostedApps, isDraining, type AppRegistry, type Env, type UpstreamFetch } from '../../shared/index.ts';
import { createHttpTransport } from '../node/httpTransport.ts';
import { apps } from '../../apps/index.ts';
import { bakedConfigText } from './bakedConfig.ts';
import { clientAddressFor } from './clientAddress.ts';
import { createRequest } from './createRequest.ts';
import { createResult } from './createResult.ts';
import { InvalidEventError } from './errors.ts';
import { createLambdaConfigManager, ssmTimeoutMs } from './lambdaConfig.ts';
import { METRICS_NAMESPACE, SERVICE_NAME } from './metricNames.ts';
import { createConfigLogSink, createRequestLogSink } from './observability.ts';
import { isScheduledEvent, scheduledProbe, type ScheduledProbeSummary } from './scheduledProbe.ts';
import { settleBufferedAnswer } from './settleBufferedAnswer.ts';
import { createSsmClient } from './ssmClient.ts';

/** A Function URL (payload v2, BUFFERED) handler. */
export type FunctionUrlHandler = (event: LambdaFunctionURLEvent, context?: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** An EventBridge schedule's handler: one health probe round into SSM (`ROUTE_HEALTH_PARAM`). Never throws. */
export type ScheduledProbeHandler = (event: ScheduledEvent, context?: Context) => Promise<ScheduledProbeSummary>;

/**
 * The function's handler: Function URL requests and the schedule's probe rounds. The Function URL
 * signature comes last, so `Parameters<>` and `ReturnType<>` see it.
 */
export type RouterHandler = ScheduledProbeHandler & FunctionUrlHandler;

/** What {@link createHandler} returns: the handler, plus a way to release its sockets. */
export type ClosableHandler = RouterHandler & {
  /** Closes upstream keep-alive sockets and the SSM client (local serving, tests; Lambda never calls it). */
  close(): void;
};

/** Options of {@link createHandler}; every one has a production default. */
export interface HandlerOptions {
  /** Environment: `ROUTE_*` settings, `${VAR}` values, `AWS_ENDPOINT_URL_SSM`. @default process.env */
  env?: Env;
  /** Config text used on a cold start when SSM fails. @default the config baked at build time */
  baked?: string;
  /** SSM client. @default {@link createSsmClient}(env), timeout from `ROUTE_SSM_TIMEOUT_MS` */
  ssm?: SSMClient;
  /** Upstream transport. @default `createHttpTransport()` (raw bytes, keep-alive, no redirects) */
  transport?: UpstreamFetch;
  /** @default a Powertools Logger for service `hadoku-route` */
  logger?: Logger;
  /** @default Powertools Metrics in namespace `HadokuRoute` */
  metrics?: Metrics;
  /** Clock of the config cache (max-age, backoff), in ms. @default Date.now */
  now?: () => number;
  /**
   * The apps this function can host (the bundle's registry, `apps/index.ts`), narrowed by
   * `ROUTE_APPS`; each gets `env` as its environment. @default {} (a pure router)
   */
  apps?: AppRegistry;
}

/**
 * Builds a Function URL handler over the shared fallback core. Everything that should live for
 * the whole execution environment (SSM client, config cache, breaker, edge cache) is created
 * here, once per cold start, not per invocation.
 *
 * Boundary answers are fixed: an event that cannot become a `Request` answers 400 JSON; an
 * unexpected throw answers 500 JSON (logged, never a stack trace in the response). While
 * `ROUTE_DRAIN` is set, the core answers routed paths 503 without contacting anyone (the same
 * drain path as every runtime); `/_config/route` and `/_router/health` still answer.
 *
 * @example
 * export const handler = createHandler({ env: { ...process.env, ROUTE_CONFIG_MAX_AGE: '1' } });
 */
export function createHandler(options: HandlerOptions = {}): ClosableHandler {
  const env = options.env ?? process.env;
  const logger = options.logger ?? new Logger({ serviceName: SERVICE_NAME });
  const metrics = options.metrics ?? new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
  const ssm = options.ssm ?? createSsmClient(env, { requestTimeoutMs: ssmTimeoutMs(env) });
  const provider = new SSMProvider({ awsSdkV3Client: ssm });
  const transport = options.transport ?? createHttpTransport();
  const config = createLambdaConfigManager({
    env,
    provider,
    baked: options.baked ?? bakedConfigText(),
    log: createConfigLogSink(logger),
    now: options.now,
  });
  const router = createRouter({
    config,
    fetch: transport,
    self: env.ROUTE_SELF?.trim() || undefined,
    apps: hostedApps(options.apps ?? {}, env),
    appEnv: env,
    log: createRequestLogSink(logger, metrics),
    runtime: 'lambda',
    drain: isDraining(env),
    // BUFFERED: the chosen answer is read whole (and bounded) first, so a body that breaks off
    // is a failed attempt and the next provider is tried.
    settle: settleBufferedAnswer,
  });

  const handle: FunctionUrlHandler = async (event, context) => {
    if (context) logger.addContext(context);
    try {
      let request: Request;
      try {
        request = createRequest(event);
      } catch (error) {
        if (!(error instanceof InvalidEventError)) throw error;
        logger.warn('invalid_event', { reason: error.message });
        return jsonResult(400, { error: error.message });
      }
      // A Lambda is frozen once it returns: background work (cache writes) finishes before the
      // result goes out, as a Worker's waitUntil would keep it alive after.
      const pending: Promise<unknown>[] = [];
      const response = await router.fetch(request, { clientAddress: clientAddressFor(event), waitUntil: (p) => void pending.push(p) });
      const result = await createResult(response, request.method);
      await Promise.allSettled(pending);
      return result;
    } catch (error) {
      logger.error('handler_failed', error as Error);
      return jsonResult(500, { error: 'internal router error' });
    } finally {
      // Request-level counts are buffered per invocation; flushing here keeps them in this
      // invocation's log stream. Nothing is written when nothing was counted.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
  const selfId = env.ROUTE_SELF?.trim();
  const self = selfId ? { id: selfId, draining: isDraining(env) } : undefined;
  // The EventBridge rule invokes the same function: a probe round with this environment's config and transport.
  const dispatch = (event: LambdaFunctionURLEvent | ScheduledEvent, context?: Context) =>
    isScheduledEvent(event)
      ? scheduledProbe({ config, ssm, fetch: transport, parameterName: env.ROUTE_HEALTH_PARAM, logger, self })
      : handle(event, context);
  return Object.assign(dispatch as RouterHandler, {
    close() {
      (transport as Partial<{ close(): void }>).close?.();
      if (!options.ssm) ssm.destroy();
    },
  });
}

function jsonResult(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), isBase64Encoded: false };
}

/** The repository's app registry, bundled with the handler (`serve --runtime lambda` reads it from the bundle). */
export { apps };

/**
 * The Lambda entry point (`index.handler` in the bundle): one handler per execution environment,
 * configured from `process.env` and the config baked at build time, hosting its own copy of the
 * repository's apps (`ROUTE_APPS` narrows them).
 */
export const handler: RouterHandler = createHandler({ apps });
