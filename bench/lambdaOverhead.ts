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
 * CPU microseconds per invocation of each handler (this process's user + system time: the
 * handler, and the local upstream, which costs every handler the same), one at a time as a Lambda
 * environment serves them; the best of 5 rounds, the handlers' rounds interleaved so that a spell
 * of other work on the machine weighs on each of them alike. CPU time, not wall time: on a shared
 * machine the wall clock also counts other processes' turns on the cores.
 */
async function usPerInvocation<K extends string>(handlers: Record<K, Handler>, iterations: number): Promise<Record<K, number>> {
  const names = Object.keys(handlers) as K[];
  for (const name of names) for (let i = 0; i < Math.min(1000, iterations); i++) await handlers[name](EVENT);
  const best = Object.fromEntries(names.map((name) => [name, Infinity])) as Record<K, number>;
  for (let round = 0; round < 5; round++) {
    for (const name of names) {
      const before = process.cpuUsage();
      for (let i = 0; i < iterations; i++) {
        const result = await handlers[name](EVENT);
        if (result.statusCode !== 200) throw new Error(`bench invocation answered ${result.statusCode}`);
      }
      const used = process.cpuUsage(before);
      best[name] = Math.min(best[name], (used.user + used.system) / iterations);
    }
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
  const iterations = opts.quick ? 600 : 2500;
  try {
    process.stdout.write = (() => true) as typeof process.stdout.write;
    const us = await usPerInvocation(
      {
        routed,
        fetch: bareHandler(upstream, (url) => fetch(url)),
        transport: bareHandler(upstream, viaTransport),
      },
      iterations,
    );
    process.stdout.write = write;
    console.log(
      `\n## Lambda handler overhead (in-process handler, local upstream on 127.0.0.1, one invocation at a time, CPU time, best of 5 interleaved rounds x ${iterations})`,
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
