import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startStandin } from '../infra/hosts/standin.ts';
import { percentile } from './loadgen.ts';
import { startProcess, stopProcess } from './processes.ts';

const run = promisify(execFile);
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const bin = path.join(repo, 'bin', 'hadoku-route.js');

/**
 * How long after `hadoku-route flip` exits new requests follow the new order, per runtime under
 * `hadoku-route serve` (goals: file <= 1 s for Express; SSM and KV within their max-age + 1 s).
 */
export async function benchPropagation(opts: { quick: boolean }): Promise<void> {
  const rounds = opts.quick ? 2 : 4;
  const [one, two] = await Promise.all([startStandin({ id: '1' }), startStandin({ id: '2' })]);
  console.log(
    `\n## Flip propagation (flip exit -> first request on the new order; ${rounds} flips per row; ROUTE_CONFIG_MAX_AGE=1 under serve)`,
  );
  console.log('| runtime | target | p50 ms | max ms | goal |');
  console.log('|---|---|---|---|---|');
  try {
    const rows: Array<{ runtime: 'express' | 'worker' | 'lambda'; target: 'file' | 'kv' | 'ssm'; goal: string }> = [
      { runtime: 'express', target: 'file', goal: '<= 1000 ms' },
      { runtime: 'worker', target: 'file', goal: '<= max-age + 1 s = 2000 ms' },
      { runtime: 'worker', target: 'kv', goal: '<= max-age + 1 s = 2000 ms' },
      { runtime: 'lambda', target: 'file', goal: '<= max-age + 1 s = 2000 ms' },
      { runtime: 'lambda', target: 'ssm', goal: '<= max-age + 1 s = 2000 ms' },
    ];
    for (const { runtime, target, goal } of rows) {
      const dir = mkdtempSync(path.join(tmpdir(), 'hadoku-prop-'));
      const file = path.join(dir, 'route-config.json');
      const state = path.join(dir, 'state');
      writeFileSync(
        file,
        `${JSON.stringify({ global_priority: '12', providers: { '1': one.url, '2': two.url }, backend_source: 'id' }, null, 2)}\n`,
      );
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ROUTE_CONFIG_MAX_AGE: '1',
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      };
      const serveArgs = [
        bin,
        'serve',
        '--runtime',
        runtime,
        '--config',
        file,
        '--port',
        '0',
        ...(target === 'kv' ? ['--persist-to', state] : []),
      ];
      let serve: Awaited<ReturnType<typeof startProcess>>;
      try {
        serve = await startProcess(serveArgs, /listening on (http:\S+)/, env);
      } catch (error) {
        console.log(`| ${runtime} | ${target} | n/a | n/a | (not available: ${(error as Error).message.split('\n')[0]}) |`);
        continue;
      }
      let flipArgs = ['--config', file];
      if (target === 'kv') flipArgs = ['--target', 'kv', '--local', '--persist-to', state, '--yes'];
      if (target === 'ssm') {
        // serve --runtime lambda logs where its SSM stand-in listens and which parameter it serves.
        const endpoint = /"ssm_endpoint":"([^"]+)"/.exec(serve.output)?.[1];
        const parameter = /"parameter":"([^"]+)"/.exec(serve.output)?.[1];
        Object.assign(env, {
          AWS_ENDPOINT_URL_SSM: endpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_EC2_METADATA_DISABLED: 'true',
        });
        flipArgs = ['--target', 'ssm', '--parameter', String(parameter), '--yes'];
      }
      const samples: number[] = [];
      try {
        let order = '12';
        for (let i = 0; i < rounds; i++) {
          order = order === '12' ? '21' : '12';
          // --no-probe: this measures propagation; the pre-write health probe is the guard's business.
          await run(process.execPath, [bin, 'flip', 'global', order, '--no-probe', ...flipArgs], { cwd: repo, env });
          const started = performance.now();
          for (let tries = 0; tries < 400; tries++) {
            const res = await fetch(`${serve.match[1]}/demo/api/x`);
            await res.arrayBuffer();
            if (res.headers.get('x-backend-source') === order[0]) break;
            await new Promise((r) => setTimeout(r, 10));
          }
          samples.push(performance.now() - started);
        }
      } catch (error) {
        const stderr = String((error as { stderr?: string }).stderr ?? '')
          .trim()
          .split('\n')
          .at(-1);
        console.log(`| ${runtime} | ${target} | n/a | n/a | (flip failed: ${stderr || (error as Error).message.split('\n')[0]}) |`);
        continue;
      } finally {
        await stopProcess(serve.child);
      }
      console.log(`| ${runtime} | ${target} | ${percentile(samples, 50).toFixed(0)} | ${Math.max(...samples).toFixed(0)} | ${goal} |`);
    }
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
}
