import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogItem } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyStructuredResultV2, Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { SERVICE_NAME } from '../../functions/lambda/metricNames.ts';
import { listeningOrigin } from '../../functions/express/toRequest.ts';
import { healthParameterName, ssmParameterName } from '../lib/stageNames.ts';
import type * as HandlerModule from '../../functions/lambda/handler.ts';
import { parseConfig } from '../../shared/index.ts';
import { readHealthFile, writeHealthFile } from './healthFile.ts';
import { startSsmServer } from './ssmServer.ts';
import { probeUrl, waitUntilAnswers } from './waitUntilAnswers.ts';
import type { RunningServer, ServeOptions, ServeRuntime } from './types.ts';
import { setProcessEnv } from './setProcessEnv.ts';
import { servedLambdaBundle } from './lambdaBundleCache.ts';

/** Name of the stand-in SSM parameter (the deployed stack's default name). */
const PARAMETER_NAME = ssmParameterName('local');
/** The shared health document's stand-in parameter (`ROUTE_HEALTH_PARAM`), backed by `route-health.json`. */
const HEALTH_PARAMETER_NAME = healthParameterName('local');
/** Locally an edit should show up quickly; the deployed function keeps 10 s. */
const LOCAL_CONFIG_MAX_AGE = '1';
/** A Function URL refuses request payloads over 6 MB. */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
/** Credentials the SDK signs local SSM calls with: never real ones, and no call leaves 127.0.0.1. */
const LOCAL_AWS_ENV: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'AKIDLOCALSERVE',
  AWS_SECRET_ACCESS_KEY: 'local-serve-not-a-secret',
  AWS_EC2_METADATA_DISABLED: 'true',
};
const TEXTUAL = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

/**
 * `serve --runtime lambda`: the bundled Lambda handler (the artifact `cdk deploy` ships, built
 * with the same esbuild options) behind a local Function URL shim on `host:port`.
 *
 * The config file stands in for the SSM parameter: an in-process SSM-protocol server answers the
 * handler's real SDK + Powertools calls with the file's current content (re-read on every
 * GetParameter, so an edit is live within `ROUTE_CONFIG_MAX_AGE`, 1 s unless `env` says
 * otherwise); a PutParameter (e.g. `flip --target ssm` pointed at it) writes the file. The file's
 * content at start is the handler's baked config (`createHandler({ baked })`; the deploy bakes
 * route-config.json into the bundle itself), so the bundle, built with nothing baked, is reused
 * from start to start while its inputs are unchanged (lambdaBundleCache.ts). The shared
 * health parameter (`ROUTE_HEALTH_PARAM`) is backed the same way by `route-health.json` beside the
 * config (`healthFile.ts`), so a document there is read with the first config read after a restart.
 *
 * The handler reads the AWS SDK's credentials from `process.env`, so dummy credentials are set on
 * this process while it serves (and restored on close); `ROUTE_*`, `${VAR}` values and the SSM
 * endpoint go to the handler through its own env. The handler's Powertools log lines (one per
 * request, config reloads) go to `options.log` as objects, like this shim's own lines, so `serve`
 * prints them as JSON on stdout while `dev` keeps them off its live view; EMF metrics are off
 * locally unless `env.POWERTOOLS_METRICS_DISABLED` is `false`.
 *
 * @throws ConfigValidationError when the file is not a valid config at start (as Express does).
 * @example
 * const server = await serveLambda({ configPath: '/abs/route-config.json', port: 9003, host: '127.0.0.1', env: process.env });
 * await server.close();
 */
export const serveLambda: ServeRuntime = async (options: ServeOptions): Promise<RunningServer> => {
  const text = await readFile(options.configPath, 'utf8');
  const env: Record<string, string | undefined> = {
    ROUTE_CONFIG_MAX_AGE: LOCAL_CONFIG_MAX_AGE,
    ...options.env,
    ...(options.self ? { ROUTE_SELF: options.self } : {}),
  };
  // Refuse to start on an invalid file, listing every error, like the other runtimes.
  parseConfig(text, env);
  const log = options.log ?? ((line: Record<string, unknown>) => console.log(JSON.stringify(line)));

  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step();
  };
  try {
    const ssm = await startSsmServer({
      readThrough: (name) => {
        if (name === PARAMETER_NAME) return readConfigFile(options.configPath, log);
        return name === HEALTH_PARAMETER_NAME ? readHealthFile(options.configPath) : undefined;
      },
      onPut: (name, value) => {
        if (name === PARAMETER_NAME) writeFileSync(options.configPath, value);
        if (name === HEALTH_PARAMETER_NAME) writeHealthFile(options.configPath, value);
      },
    });
    cleanups.push(() => ssm.close());

    // The deployed bundle, reused while its inputs are unchanged (lambdaBundleCache.ts); the served
    // file goes to createHandler as the baked config, where a deploy bakes it into the bundle.
    const bundle = await servedLambdaBundle();
    cleanups.push(() => bundle.release());

    const restoreEnv = setProcessEnv({
      ...LOCAL_AWS_ENV,
      AWS_REGION: env.AWS_REGION ?? process.env.AWS_REGION ?? 'us-east-1',
      POWERTOOLS_METRICS_DISABLED: env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    });
    cleanups.push(restoreEnv);
    // A module of its own per start (the query makes a new module record): two runtimes in one
    // process (`dev`) share no module state, as two Lambda environments share none.
    const module = (await import(`${pathToFileURL(bundle.file).href}?start=${randomUUID()}`)) as typeof HandlerModule;
    const handler = module.createHandler({
      baked: text,
      // The bundle's own registry, as the deployed entry point hosts it (ROUTE_APPS narrows it).
      apps: module.apps,
      env: { ROUTE_HEALTH_PARAM: HEALTH_PARAMETER_NAME, ...env, ROUTE_CONFIG_PARAMETER: PARAMETER_NAME, AWS_ENDPOINT_URL_SSM: ssm.url },
      logger: new SinkLogger(log),
    });
    cleanups.push(() => handler.close());

    const server = createServer((req, res) => {
      void invoke(handler, req, res).catch((error: unknown) => {
        log({ level: 'error', msg: 'function url shim failed', error: String(error), runtime: 'lambda' });
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Internal Server Error' }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const { port } = server.address() as AddressInfo;
    const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
    await waitUntilAnswers(`${probeUrl(url)}/_router/health`);
    log({
      level: 'info',
      msg: 'lambda bundle serving',
      runtime: 'lambda',
      bundle_bytes: bundle.bytes,
      ssm_endpoint: ssm.url,
      parameter: PARAMETER_NAME,
      health_parameter: HEALTH_PARAMETER_NAME,
      max_age_s: env.ROUTE_CONFIG_MAX_AGE,
    });
    return { url, close: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
};

/**
 * A Powertools Logger whose lines go to a sink instead of straight to `process.stdout`: the
 * handler logs exactly as deployed (same keys, same levels), only the destination changes.
 */
class SinkLogger extends Logger {
  readonly #sink: (line: Record<string, unknown>) => void;

  constructor(sink: (line: Record<string, unknown>) => void) {
    super({ serviceName: SERVICE_NAME });
    this.#sink = sink;
  }

  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    // Through JSON once with Powertools' replacer, so errors and bigints read as they would on AWS.
    this.#sink(JSON.parse(JSON.stringify(log.getAttributes(), this.getJsonReplacer())) as Record<string, unknown>);
  }
}

/** The file's text, or `undefined` (the SSM server then keeps its last value) when unreadable. */
function readConfigFile(path: string, log: (line: Record<string, unknown>) => void): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    log({
      level: 'warn',
      msg: 'config file not readable, SSM stand-in keeps the last value',
      file: path,
      error: String(error),
      runtime: 'lambda',
    });
    return undefined;
  }
}

/** One HTTP request through the handler, as a Function URL would: v2 event in, result out. */
async function invoke(handler: HandlerModule.FunctionUrlHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (body === null) {
    res
      .writeHead(413, { 'content-type': 'application/json' })
      .end(JSON.stringify({ message: `Request must be smaller than ${MAX_REQUEST_BYTES} bytes for the InvokeFunction operation` }));
    return;
  }
  const event = toEvent(req, body);
  const result = await handler(event, localContext(event.requestContext.requestId));
  writeResult(res, result, req.method ?? 'GET');
}

/**
 * The whole request body, or `null` when it exceeds what a Function URL accepts. An oversized
 * body is still read to its end (and dropped), so the client, which is still sending, reliably
 * receives the 413 instead of a reset connection.
 */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(size <= MAX_REQUEST_BYTES ? Buffer.concat(chunks) : null));
    req.on('error', reject);
  });
}

/** Builds the payload v2 event the Function URL front end would send for this request. */
function toEvent(req: IncomingMessage, body: Buffer): LambdaFunctionURLEvent {
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const rawQueryString = q === -1 ? '' : target.slice(q + 1);
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const port = req.socket.localPort ?? 0;

  // Lower-cased names, repeats comma-joined; cookies travel separately (as on AWS).
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const cookieHeader = headers.cookie;
  delete headers.cookie;
  const cookies = cookieHeader ? cookieHeader.split(/;\s*/).filter((c) => c !== '') : undefined;
  // The front end's own headers: it terminates the connection, so it is the one that knows these.
  const xff = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = xff ? `${xff}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(port);
  // On AWS the platform fills domainName with the Function URL's own host (it routes by it); the
  // shim vouches the same way, with the listening address, never a client's Host alone.
  const domainName = new URL(listeningOrigin(req.socket, headers.host)).host;

  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) query[key] = key in query ? `${query[key]},${value}` : value;
  const textual = TEXTUAL.test(headers['content-type'] ?? '') && !headers['content-encoding'] && isUtf8(body);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0]!,
      http: {
        method: req.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !textual,
  };
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Writes a result the way the Function URL front end does: `cookies` become `Set-Cookie` lines. */
function writeResult(res: ServerResponse, result: APIGatewayProxyStructuredResultV2, method: string): void {
  const headers: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    // Node frames the body itself; a provider's framing header would contradict it.
    if (name === 'transfer-encoding' || (name === 'content-length' && method !== 'HEAD')) continue;
    headers.push([name, String(value)]);
  }
  for (const cookie of result.cookies ?? []) headers.push(['set-cookie', cookie]);
  const body = result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined;
  const status = result.statusCode ?? 200;
  if (method !== 'HEAD' && status !== 204 && status !== 304) headers.push(['content-length', String(body?.length ?? 0)]);
  res.writeHead(status, headers.flat());
  res.end(method === 'HEAD' ? undefined : body);
}

/** The parts of a Lambda context the handler uses (Powertools Logger's keys). */
function localContext(requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'hadoku-route-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:hadoku-route-local',
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/hadoku-route-local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
