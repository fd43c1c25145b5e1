import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyStructuredResultV2, Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { createRouter, matchApp, type Env, type UpstreamFetch } from '../../shared/index.ts';
import { createHttpTransport } from '../node/httpTransport.ts';
import { bakedConfigText } from './bakedConfig.ts';
import { clientAddressFor } from './clientAddress.ts';
import { createRequest } from './createRequest.ts';
import { createResult } from './createResult.ts';
import { drainResponse, isDraining } from './drain.ts';
import { InvalidEventError } from './errors.ts';
import { createLambdaConfigManager, ssmTimeoutMs } from './lambdaConfig.ts';
import { METRIC, METRICS_NAMESPACE, SERVICE_NAME } from './metricNames.ts';
import { createConfigLogSink, createRequestLogSink } from './observability.ts';
import { createSsmClient } from './ssmClient.ts';

/** A Function URL (payload v2, BUFFERED) handler. */
export type FunctionUrlHandler = (event: LambdaFunctionURLEvent, context?: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** What {@link createHandler} returns: the handler, plus a way to release its sockets. */
export type ClosableHandler = FunctionUrlHandler & {
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
}

/**
 * Builds a Function URL handler over the shared fallback core. Everything that should live for
 * the whole execution environment (SSM client, config cache, breaker, edge cache) is created
 * here, once per cold start, not per invocation.
 *
 * Boundary answers are fixed: an event that cannot become a `Request` answers 400 JSON; an
 * unexpected throw answers 500 JSON (logged, never a stack trace in the response). While
 * `ROUTE_DRAIN` is set, routed paths answer 503 without contacting anyone; `/_config/route` and
 * `/_router/health` still answer.
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
    log: createRequestLogSink(logger, metrics),
    runtime: 'lambda',
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
      const path = new URL(request.url).pathname;
      const app = isDraining(env) ? matchApp(path) : null;
      if (app !== null) {
        metrics.addMetric(METRIC.drained, MetricUnit.Count, 1);
        logger.info('drained', { app, method: request.method, path });
        return await createResult(drainResponse(app), request.method);
      }
      const response = await router.fetch(request, { clientAddress: clientAddressFor(event) });
      return await createResult(response, request.method);
    } catch (error) {
      logger.error('handler_failed', error as Error);
      return jsonResult(500, { error: 'internal router error' });
    } finally {
      // Request-level counts are buffered per invocation; flushing here keeps them in this
      // invocation's log stream. Nothing is written when nothing was counted.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
  return Object.assign(handle, {
    close() {
      (transport as Partial<{ close(): void }>).close?.();
      if (!options.ssm) ssm.destroy();
    },
  });
}

function jsonResult(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), isBase64Encoded: false };
}

/**
 * The Lambda entry point (`index.handler` in the bundle): one handler per execution environment,
 * configured from `process.env` and the config baked at build time.
 */
export const handler: FunctionUrlHandler = createHandler();
