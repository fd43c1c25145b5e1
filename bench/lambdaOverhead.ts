/**
 * Lambda handler overhead per invocation: a Function URL event through the real handler (event ->
 * core -> result) against a local upstream, beside bare handlers that only fetch the same URL.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { createHandler } from '../functions/lambda/handler.ts';
import { createHttpTransport } from '../functions/node/httpTransport.ts';
import { startSsmServer } from '../infra/hosts/ssmServer.ts';
import { setProcessEnv } from '../infra/hosts/setProcessEnv.ts';

type Handler = (event: LambdaFunctionURLEvent) => Promise<APIGatewayProxyStructuredResultV2>;
const BODY = JSON.stringify({ ok: true, items: Array.from({ length: 10 }, (_, i) => ({ id: i, name: `item-${i}` })) });

const EVENT = {
  version: '2.0',
  routeKey: '$default',
  rawPath: '/task/api/items',
  rawQueryString: '',
  headers: { host: 'bench.lambda-url.us-east-1.on.aws', accept: 'application/json' },
  requestContext: { domainName: 'bench.lambda-url.us-east-1.on.aws', http: { method: 'GET', sourceIp: '127.0.0.1' } },
  isBase64Encoded: false,
} as unknown as LambdaFunctionURLEvent;

/** A handler that only fetches: the floor a Lambda proxy cannot go under. */
function bareHandler(upstream: string, fetcher: (url: string) => Promise<Response>): Handler {
  return async (event) => {
    const response = await fetcher(`${upstream}${event.rawPath}`);
    return {
      statusCode: response.status,
      headers: Object.fromEntries(response.headers),
      body: await response.text(),
      isBase64Encoded: false,
    };
  };
}

/**
 * CPU microseconds per invocation (this process's user + system time: the handler, and the local
 * upstream, which costs every handler the same), one at a time as a Lambda environment serves
 * them, best of 3. CPU time, not wall time: on a shared machine the wall clock also counts other
 * processes' turns on the cores.
 */
async function usPerInvocation(handler: Handler, iterations: number): Promise<number> {
  for (let i = 0; i < Math.min(1000, iterations); i++) await handler(EVENT);
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const before = process.cpuUsage();
    for (let i = 0; i < iterations; i++) {
      const result = await handler(EVENT);
      if (result.statusCode !== 200) throw new Error(`bench invocation answered ${result.statusCode}`);
    }
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / iterations);
  }
  return best;
}

/** Prints us/invocation of the real handler and of two bare handlers, and the ratios (goal <= 1.2x). */
export async function benchLambdaOverhead(opts: { quick: boolean }): Promise<void> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(BODY));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const upstream = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const parameter = '/hadoku-route/route-config';
  const ssm = await startSsmServer({ parameters: { [parameter]: JSON.stringify({ global_priority: '1', providers: { '1': upstream } }) } });
  const restoreEnv = setProcessEnv({
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  const env = { ROUTE_CONFIG_PARAMETER: parameter, ROUTE_CONFIG_MAX_AGE: '3600', AWS_ENDPOINT_URL_SSM: ssm.url, AWS_REGION: 'us-east-1' };
  const routed = createHandler({ env });
  const transport = createHttpTransport();
  const viaTransport = (url: string) =>
    transport(url, { method: 'GET', headers: new Headers(), body: null, signal: new AbortController().signal, redirect: 'manual' });
  // Powertools writes one log line per invocation (CloudWatch's job to ship): serialised, not shown.
  const write = process.stdout.write;
  // Enough to warm the JIT in a quick run too: at 300 the routed handler measured about twice its warm figure.
  const iterations = opts.quick ? 1000 : 4000;
  try {
    process.stdout.write = (() => true) as typeof process.stdout.write;
    const us = {
      routed: await usPerInvocation(routed, iterations),
      fetch: await usPerInvocation(
        bareHandler(upstream, (url) => fetch(url)),
        iterations,
      ),
      transport: await usPerInvocation(bareHandler(upstream, viaTransport), iterations),
    };
    process.stdout.write = write;
    console.log(
      `\n## Lambda handler overhead (in-process handler, local upstream on 127.0.0.1, one invocation at a time, CPU time, best of 3 x ${iterations})`,
    );
    console.log(
      `ratio handler / bare fetch() handler: ${(us.routed / us.fetch).toFixed(2)}x; handler / bare handler over the same http transport: ${(us.routed / us.transport).toFixed(2)}x (goal <= 1.2x)`,
    );
    console.log('| handler | CPU us/invocation (incl. the local upstream) |');
    console.log('|---|---|');
    console.log(`| hadoku-route (event -> core -> result, Powertools log + metrics) | ${us.routed.toFixed(0)} |`);
    console.log(`| bare: global fetch() + text() | ${us.fetch.toFixed(0)} |`);
    console.log(`| bare: createHttpTransport() + text() | ${us.transport.toFixed(0)} |`);
  } finally {
    process.stdout.write = write;
    routed.close();
    transport.close();
    restoreEnv();
    await ssm.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
