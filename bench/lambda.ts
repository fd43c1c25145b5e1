/**
 * Lambda figures for `npm run bench`: bundle size, module init time of the bundle, and SSM calls
 * per max-age under load. Figures, not assertions: these machines are shared and noisy.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { buildLambdaBundle, type LambdaBundle } from '../functions/lambda/bundling.ts';
import type * as HandlerModule from '../functions/lambda/handler.ts';
import { startSsmServer } from '../infra/hosts/ssmServer.ts';
import { setProcessEnv } from '../infra/hosts/setProcessEnv.ts';

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const SIZE_GOAL = 250 * 1024;
const INIT_GOAL_MS = 100;

/**
 * Prints the Lambda figures: minified and gzipped size of the bundle `cdk deploy` ships (and of
 * the SDK-external variant, for the record of the choice), median module init time in a fresh
 * process, and how many times the handler reads SSM per max-age under concurrent load, healthy
 * and during an SSM outage (goal: at most one read per max-age per environment).
 */
export async function benchLambda(opts: { quick: boolean }): Promise<void> {
  const configText = readFileSync(path.join(repoRoot, 'route-config.json'), 'utf8');
  // Inside the repo so that the SDK-external variant resolves @aws-sdk/* from node_modules, as the
  // Lambda runtime would resolve it from its own copy.
  const dir = await mkdtemp(path.join(repoRoot, 'node_modules', '.hadoku-bench-lambda-'));
  try {
    const bundled = await buildLambdaBundle(path.join(dir, 'bundled'), configText);
    const external = await buildLambdaBundle(path.join(dir, 'external'), configText, { externalModules: ['@aws-sdk/*'] });
    const runs = opts.quick ? 3 : 7;
    const rows: Array<[string, LambdaBundle, number]> = [
      ['SDK bundled (shipped)', bundled, await medianInitMs(bundled.file, runs)],
      ['@aws-sdk/* external (runtime SDK)', external, await medianInitMs(external.file, runs)],
    ];
    console.log(`\n## Lambda bundle (esbuild, minified ESM, node24; goal <= ${SIZE_GOAL / 1024} KiB, init <= ${INIT_GOAL_MS} ms)`);
    console.log('| variant | minified KiB | gzip KiB | init ms (median of ' + runs + ', fresh process) |');
    console.log('|---|---|---|---|');
    for (const [name, bundle, ms] of rows) {
      const gz = gzipSync(readFileSync(bundle.file)).length;
      console.log(`| ${name} | ${(bundle.bytes / 1024).toFixed(1)} | ${(gz / 1024).toFixed(1)} | ${ms.toFixed(1)} |`);
    }
    console.log(largestInputs(bundled));

    const module = (await import(pathToFileURL(bundled.file).href)) as typeof HandlerModule;
    const seconds = opts.quick ? 3.5 : 6.5;
    for (const mode of ['ok', 'outage'] as const) {
      const r = await ssmCallsUnderLoad(module, { mode, seconds, concurrency: 32 });
      console.log(
        `SSM ${mode === 'ok' ? 'healthy' : 'outage (500)'}: ${r.requests} requests in ${r.seconds.toFixed(1)} s at concurrency 32, ` +
          `max-age 1 s: ${r.reads} GetParameter HTTP calls = ${(r.reads / r.periods).toFixed(2)} per max-age ` +
          `(${mode === 'ok' ? 'goal <= 1' : 'each read = up to 2 tries, goal <= 2'}), non-200: ${r.errors}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Median time to import the bundle in a fresh Node process (module init: what a cold start pays). */
async function medianInitMs(file: string, runs: number): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, AWS_REGION: 'us-east-1', POWERTOOLS_METRICS_DISABLED: 'true' },
    });
    times.push(Number(stdout.trim().split('\n').at(-1)));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** The biggest contributors to the bundle, by package. */
function largestInputs(bundle: LambdaBundle): string {
  const output = Object.values(bundle.metafile.outputs).find((o) => o.entryPoint)!;
  const byPackage = new Map<string, number>();
  for (const [file, input] of Object.entries(output.inputs)) {
    const inModules = file.split('node_modules/').at(-1)!;
    const key = file.includes('node_modules/')
      ? inModules
          .split('/')
          .slice(0, inModules.startsWith('@') ? 2 : 1)
          .join('/')
      : '(our code)';
    byPackage.set(key, (byPackage.get(key) ?? 0) + input.bytesInOutput);
  }
  const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 6);
  return `largest parts of the shipped bundle: ${top.map(([k, v]) => `${k} ${(v / 1024).toFixed(0)} KiB`).join(', ')}`;
}

/** A provider stand-in that answers every request 200 with a small JSON body. */
async function startUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Drives one handler (one environment) with `concurrency` callers for `seconds`; counts SSM calls. */
async function ssmCallsUnderLoad(module: typeof HandlerModule, opts: { mode: 'ok' | 'outage'; seconds: number; concurrency: number }) {
  const parameter = '/hadoku-route/route-config';
  const upstream = await startUpstream();
  const ssm = await startSsmServer({
    parameters: { [parameter]: JSON.stringify({ global_priority: '1', providers: { '1': upstream.url } }) },
  });
  const restoreEnv = setProcessEnv({
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  // Powertools writes one log line per request and EMF per attempt: keep them out of the report.
  const writes = [process.stdout.write, process.stderr.write];
  const handler = module.createHandler({
    env: {
      ROUTE_CONFIG_PARAMETER: parameter,
      ROUTE_CONFIG_MAX_AGE: '1',
      ROUTE_SSM_TIMEOUT_MS: '200',
      AWS_ENDPOINT_URL_SSM: ssm.url,
      AWS_REGION: 'us-east-1',
    },
  });
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/task/api/items',
    rawQueryString: '',
    headers: { host: 'bench.lambda-url.us-east-1.on.aws' },
    requestContext: { domainName: 'bench.lambda-url.us-east-1.on.aws', http: { method: 'GET', sourceIp: '127.0.0.1' } },
    isBase64Encoded: false,
  } as unknown as Parameters<typeof handler>[0];
  let requests = 0;
  let errors = 0;
  try {
    process.stdout.write = (() => true) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    await handler(event); // first load, before the measured window
    ssm.mode = opts.mode;
    ssm.resetCalls();
    const started = performance.now();
    const until = started + opts.seconds * 1000;
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (performance.now() < until) {
          const result = await handler(event);
          requests++;
          if (result.statusCode !== 200) errors++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { requests, errors, seconds, reads: ssm.callCount('GetParameter'), periods: seconds / 1 };
  } finally {
    [process.stdout.write, process.stderr.write] = writes as [typeof process.stdout.write, typeof process.stderr.write];
    handler.close();
    restoreEnv();
    await Promise.all([ssm.close(), upstream.close()]);
  }
}
