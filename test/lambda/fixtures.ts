import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';

/**
 * A Function URL payload v2 event as AWS sends it for `GET /task/api/items?a=1&a=2`. Tests spread
 * it and override what they are about: `{ ...baseV2Event, rawPath: '/x' }`.
 */
export const baseV2Event: LambdaFunctionURLEvent = {
  version: '2.0',
  routeKey: '$default',
  rawPath: '/task/api/items',
  rawQueryString: 'a=1&a=2',
  headers: {
    host: 'abc123.lambda-url.eu-west-1.on.aws',
    'x-forwarded-proto': 'https',
    'x-forwarded-for': '203.0.113.7',
    'x-forwarded-port': '443',
    accept: 'application/json',
    'user-agent': 'vitest',
  },
  queryStringParameters: { a: '1,2' },
  requestContext: {
    accountId: 'anonymous',
    apiId: 'abc123',
    domainName: 'abc123.lambda-url.eu-west-1.on.aws',
    domainPrefix: 'abc123',
    http: { method: 'GET', path: '/task/api/items', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    routeKey: '$default',
    stage: '$default',
    time: '29/Nov/2026:22:00:00 +0000',
    timeEpoch: 1795989600000,
  },
  isBase64Encoded: false,
};

/** The same event with another method (the method lives in requestContext.http). */
export function withMethod(event: LambdaFunctionURLEvent, method: string): LambdaFunctionURLEvent {
  return { ...event, requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method } } };
}

/** An event addressed to a local shim at `host` (http, as `serve` builds them). */
export function atHost(event: LambdaFunctionURLEvent, host: string): LambdaFunctionURLEvent {
  return {
    ...event,
    headers: { ...event.headers, host, 'x-forwarded-proto': 'http' },
    requestContext: { ...event.requestContext, domainName: host },
  };
}

/** Enough of a Lambda `Context` for Powertools Logger's `addContext`. */
export const lambdaContext: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'hadoku-route-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:hadoku-route-test',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  logGroupName: '/aws/lambda/hadoku-route-test',
  logStreamName: '2026/11/29/[$LATEST]abc',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};
