import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSsmServer, type SsmServer } from '../../infra/hosts/ssmServer.ts';
import { COMMANDS } from '../../infra/cli/main.ts';
import { parseCommandArgs } from '../../infra/cli/parseCommandArgs.ts';
import { findStageKvId } from '../../infra/hosts/wranglerTomlKv.ts';
import { PROVIDER_BASE_VARIABLES } from '../../infra/lib/deployInputs.ts';
import { secretParameterName, ssmParameterName, stackId } from '../../infra/lib/stageNames.ts';
import { buildStack } from '../infra/stackFixture.ts';
import { cliEnv, runCli } from './cliProcess.ts';
import { startCloudflareApiMock, type CloudflareApiMock } from './cloudflareApiMock.ts';
import { cdkContext, cliArgs, flagValue, readmeWalkthrough, type WalkCommand } from './readmeWalkthrough.ts';
import { REPO, stageWorkspace, WRANGLER_QUIET, type StageWorkspace } from './stageWorkspace.ts';

// The README's "Deploy a stage from scratch", walked in order: each command is matched to exactly
// one check below, which exercises it here. hadoku-route runs for real (a Cloudflare API stand-in
// and an SSM stand-in on 127.0.0.1 play the clouds; provider bases point at a healthy local server
// so that flip's probes answer); cdk deploy is the same app synthesised in-process with the same
// context and variables; wrangler deploy is a --dry-run build with the id setup wrote. A command
// with no check, or with two, fails the walk.

const run = promisify(execFile);
// Generous: `cdk deploy` is a synth, and a loaded 2-core machine has stretched a command to 30 s.
const CLI_TIMEOUT_MS = 300_000;
const ACCOUNT = '0123456789abcdef0123456789abcdef';
const CONFIG_TEXT = readFileSync(join(REPO, 'route-config.json'), 'utf8');

/** What the walk has built so far: the shell's exports, the clouds' stand-ins and the project copy. */
interface Walk {
  /** Variables the README exports, with the values it gives. */
  exports: Record<string, string>;
  ws: StageWorkspace;
  cf: CloudflareApiMock;
  ssm: SsmServer;
  /** A router-shaped server that answers every probe 200. */
  healthyBase: string;
  /** Secret variables the README puts in SSM and in Worker secrets. */
  secrets: { ssm: string[]; worker: string[] };
}

interface Check {
  name: string;
  matches(words: readonly string[]): boolean;
  exercise(command: WalkCommand, walk: Walk): Promise<void>;
}

/** The environment the real CLI runs with: the stand-ins' addresses, never a real cloud. */
function standInEnv(walk: Walk): Record<string, string> {
  const bases = Object.fromEntries(PROVIDER_BASE_VARIABLES.map((name) => [name, `${walk.healthyBase}/${name.toLowerCase()}`]));
  return {
    ...cliEnv(),
    ...WRANGLER_QUIET,
    ...bases,
    CLOUDFLARE_API_BASE_URL: walk.cf.url,
    CLOUDFLARE_API_TOKEN: walk.cf.token,
    CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
    AWS_ENDPOINT_URL_SSM: walk.ssm.url,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'ASIATESTTESTTEST',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

async function runRealCli(args: string[], walk: Walk): Promise<{ stdout: string; stderr: string }> {
  const result = await runCli(args, { cwd: walk.ws.dir, env: standInEnv(walk), timeoutMs: CLI_TIMEOUT_MS });
  expect(result.code, `hadoku-route ${args.join(' ')}\n${result.stdout}${result.stderr}`).toBe(0);
  return result;
}

const stageOf = (words: readonly string[]) => flagValue(words, '--stage') ?? flagValue(words, '--env') ?? 'dev';
const kvValue = (walk: Walk, stage: string) =>
  walk.cf.values.get(findStageKvId(readFileSync(walk.ws.wranglerToml, 'utf8'), stage, 'SETTINGS').id ?? '')?.get('route-config');
const isCli = (sub: string) => (words: readonly string[]) => cliArgs(words)?.[0] === sub;

const CHECKS: Check[] = [
  {
    name: 'npm ci',
    matches: (w) => w.join(' ') === 'npm ci',
    async exercise() {
      // npm ci installs from the lockfile; `npx hadoku-route` then runs the bin package.json declares.
      expect(existsSync(join(REPO, 'package-lock.json'))).toBe(true);
      const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
      expect(pkg.bin?.['hadoku-route']).toBe('bin/hadoku-route.js');
    },
  },
  {
    name: 'read the token without echo',
    matches: (w) => w[0] === 'read',
    async exercise({ words }) {
      expect(words[1]).toMatch(/^-\w*s\w*$/);
      expect(words.at(-1)).toBe('CLOUDFLARE_API_TOKEN');
    },
  },
  {
    name: 'export',
    matches: (w) => w[0] === 'export',
    async exercise({ words }, walk) {
      const allowed = ['CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_ACCOUNT_ID', ...PROVIDER_BASE_VARIABLES];
      for (const word of words.slice(1)) {
        const [name, value] = word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, ''];
        expect(allowed, `export ${name}`).toContain(name);
        if ((PROVIDER_BASE_VARIABLES as readonly string[]).includes(name)) expect(value).toMatch(/^https:\/\//);
        if (name === 'CLOUDFLARE_ACCOUNT_ID') expect(value).toMatch(/^[0-9a-f]{32}$/);
        walk.exports[name] = value;
      }
    },
  },
  {
    name: 'hadoku-route setup',
    matches: isCli('setup'),
    async exercise({ words }, walk) {
      await runRealCli(cliArgs(words) ?? [], walk);
      const created = walk.cf.namespaces.find((ns) => ns.title === `hadoku-route-${stageOf(words)}-SETTINGS`);
      expect(created).toBeDefined();
      expect(findStageKvId(readFileSync(walk.ws.wranglerToml, 'utf8'), stageOf(words), 'SETTINGS').id).toBe(created?.id);
    },
  },
  {
    name: 'cdk bootstrap',
    matches: (w) => w.slice(0, 3).join(' ') === 'npx cdk bootstrap',
    async exercise({ words }) {
      expect(words[3]).toMatch(/^aws:\/\/\d{12}\/[a-z]{2}(-[a-z]+)+-\d$/);
      // The installed CLI knows the command (its help needs no account).
      const { stdout } = await run(join(REPO, 'node_modules', '.bin', 'cdk'), ['bootstrap', '--help'], {
        cwd: REPO,
        env: { ...process.env, PATH: [dirname(process.execPath), process.env.PATH].join(':'), CDK_DISABLE_VERSION_CHECK: '1' },
        timeout: 60_000,
      });
      expect(stdout).toContain('bootstrap');
    },
  },
  {
    name: 'cdk deploy (synthesised in-process with the same context and exports)',
    matches: (w) => w.slice(0, 3).join(' ') === 'npx cdk deploy',
    async exercise({ words }, walk) {
      const context = cdkContext(words);
      const stage = context.stage ?? 'dev';
      expect(words[3]).toBe(stackId(stage));
      // Synth fails here as `cdk deploy` would on a missing ${VAR}: only the README's exports are set.
      const { stack } = buildStack({
        context: { ...context, config: join(REPO, 'route-config.json'), LOCAL_BASE: undefined },
        variableSource: walk.exports,
      });
      expect(stack.stackName).toBe(words[3]);
      const parameters = Template.fromStack(stack).findResources('AWS::SSM::Parameter');
      const parameter = Object.values(parameters).find((p) => p.Properties.Name === ssmParameterName(stage));
      expect(parameter?.Properties.Value).toBe(CONFIG_TEXT);
      // What CloudFormation does on the first deploy: the parameter holds the file.
      if (!walk.ssm.get(ssmParameterName(stage))) walk.ssm.put(ssmParameterName(stage), parameter?.Properties.Value);
    },
  },
  {
    name: 'aws ssm put-parameter (a secret for the Lambda)',
    matches: (w) => w.slice(0, 3).join(' ') === 'aws ssm put-parameter',
    async exercise({ words }, walk) {
      const name = flagValue(words, '--name') ?? '';
      const variable = name.split('/').at(-1) ?? '';
      expect(flagValue(words, '--type')).toBe('SecureString');
      expect(name).toBe(secretParameterName(name.split('/')[2] ?? '', variable));
      // The value comes from the shell, never written out in the command.
      expect(flagValue(words, '--value')).toBe(`$${variable}`);
      // A stack whose config uses it as an auth.value may read exactly that parameter.
      const { stack } = buildStack({
        context: { stage: name.split('/')[2], config: join(REPO, 'test/infra/fixtures/route-config-auth.json') },
      });
      expect(JSON.stringify(Template.fromStack(stack).toJSON())).toContain(`parameter${name}`);
      walk.secrets.ssm.push(variable);
    },
  },
  {
    name: 'wrangler secret put (the same secret for the Worker)',
    matches: (w) => w.slice(0, 4).join(' ') === 'npx wrangler secret put',
    async exercise({ words }, walk) {
      const stage = flagValue(words, '--env') ?? '';
      expect(readFileSync(walk.ws.wranglerToml, 'utf8')).toContain(`[env.${stage}]`);
      expect(readFileSync(join(REPO, '.dev.vars.example'), 'utf8')).toMatch(new RegExp(`^${words[4]}=`, 'm'));
      walk.secrets.worker.push(words[4]);
    },
  },
  {
    name: 'wrangler deploy (a --dry-run build with the id setup wrote)',
    matches: (w) => w.slice(0, 3).join(' ') === 'npx wrangler deploy',
    async exercise({ words }, walk) {
      const stage = flagValue(words, '--env') ?? '';
      const wrangler = join(REPO, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
      const { stdout } = await run(process.execPath, [wrangler, ...words.slice(2), '--dry-run', '--outdir', 'out'], {
        cwd: walk.ws.dir,
        env: { ...process.env, ...WRANGLER_QUIET },
        timeout: 150_000,
      });
      const id = findStageKvId(readFileSync(walk.ws.wranglerToml, 'utf8'), stage, 'SETTINGS').id;
      expect(walk.cf.namespaces.map((ns) => ns.id)).toContain(id);
      expect(stdout).toContain(`env.SETTINGS (${id})`);
    },
  },
  {
    name: 'hadoku-route push',
    matches: isCli('push'),
    async exercise({ words }, walk) {
      await runRealCli(cliArgs(words) ?? [], walk);
      if (flagValue(words, '--target') === 'kv') expect(kvValue(walk, stageOf(words))).toBe(CONFIG_TEXT);
      else expect(walk.ssm.get(ssmParameterName(stageOf(words)))?.value).toBe(CONFIG_TEXT);
    },
  },
  {
    name: 'hadoku-route show',
    matches: isCli('show'),
    async exercise({ words }, walk) {
      const { stdout } = await runRealCli(cliArgs(words) ?? [], walk);
      expect(stdout).toMatch(/task/);
    },
  },
  {
    name: 'hadoku-route flip',
    matches: isCli('flip'),
    async exercise({ words }, walk) {
      const [, app, priority] = cliArgs(words) ?? [];
      await runRealCli(cliArgs(words) ?? [], walk);
      const stored =
        flagValue(words, '--target') === 'kv' ? kvValue(walk, stageOf(words)) : walk.ssm.get(ssmParameterName(stageOf(words)))?.value;
      expect(JSON.parse(stored ?? '{}').routes?.[app]?.priority).toBe(priority);
    },
  },
  {
    name: 'hadoku-route drill (parsed by the real CLI; its drain commands walked too)',
    matches: isCli('drill'),
    async exercise({ words, line }, walk) {
      const args = cliArgs(words) ?? [];
      const drill = COMMANDS.find((command) => command.name === 'drill');
      const parsed = drill && parseCommandArgs(drill, args.slice(1));
      expect(parsed && !parsed.help).toBe(true);
      expect(flagValue(args, '--router')).toMatch(/^https:\/\//);
      const providers = Object.keys((JSON.parse(CONFIG_TEXT) as { providers: object }).providers);
      expect(providers).toContain(flagValue(args, '--disable'));
      expect(existsSync(join(walk.ws.dir, flagValue(args, '--config') ?? 'route-config.json'))).toBe(true);
      for (const flag of ['--disable-cmd', '--enable-cmd']) {
        const inner = readmeCommand(flagValue(args, flag) ?? '', line);
        await checkFor(inner).exercise(inner, walk);
      }
    },
  },
];

function readmeCommand(text: string, line: string): WalkCommand {
  return { words: text.split(' ').filter(Boolean), line };
}

/** The one check that exercises a command; throws when there is none (or two). */
function checkFor(command: WalkCommand): Check {
  const found = CHECKS.filter((check) => check.matches(command.words));
  if (found.length !== 1) {
    const why = found.length === 0 ? 'no check exercises it' : `${found.length} checks match it`;
    throw new Error(`README walkthrough command "${command.words.join(' ')}": ${why} (add one to test/cli/readmeWalkthrough.test.ts)`);
  }
  return found[0];
}

describe('README: "Deploy a stage from scratch"', () => {
  const commands = readmeWalkthrough(REPO);
  let walk: Walk;
  let healthy: Server;

  beforeAll(async () => {
    healthy = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
    await new Promise<void>((resolve) => healthy.listen(0, '127.0.0.1', resolve));
    const healthyBase = `http://127.0.0.1:${(healthy.address() as AddressInfo).port}`;
    const [cf, ssm] = await Promise.all([startCloudflareApiMock({ accountId: ACCOUNT }), startSsmServer()]);
    walk = { exports: {}, ws: stageWorkspace(), cf, ssm, healthyBase, secrets: { ssm: [], worker: [] } };
  });
  afterAll(async () => {
    await Promise.all([walk.cf.close(), walk.ssm.close(), new Promise((resolve) => healthy.close(resolve))]);
    walk.ws.remove();
  });

  it('has every step the issue names, in order: setup, bootstrap, deploy, secrets, Worker, push, flip, drill', () => {
    // Act
    const lines = commands.map((command) => command.words.slice(0, 3).join(' '));
    const order = ['npm ci', 'npx hadoku-route setup', 'npx cdk bootstrap', 'npx cdk deploy', 'npx wrangler secret', 'npx wrangler deploy'];
    const later = ['npx hadoku-route push', 'npx hadoku-route flip', 'npx hadoku-route drill'];

    // Assess
    const positions = [...order, ...later].map((start) => lines.findIndex((line) => line.startsWith(start)));
    expect(
      positions.every((position) => position >= 0),
      JSON.stringify(lines),
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('has a check for every command, and refuses a command it has no check for', () => {
    // Act / Assess
    for (const command of commands) expect(() => checkFor(command)).not.toThrow();
    expect(() => checkFor(readmeCommand('npx wrangler d1 create hadoku', ''))).toThrow('no check exercises it');
  });

  it('the cdk deploy check fails as `cdk deploy` would when a ${VAR} of the config is not exported', async () => {
    // Prepare
    const deploy = readmeCommand('npx cdk deploy HadokuRoute-dev -c stage=dev', 'test');
    const partial = { ...walk, exports: { LOCAL_BASE: 'https://home.example.com', WORKER_BASE: 'https://dev.hadoku.me' } };

    // Act / Assess
    await expect(checkFor(deploy).exercise(deploy, partial)).rejects.toThrow(/LAMBDA_BASE/);
  });

  it('walks every command in order against the stand-ins', { timeout: 1_800_000 }, async () => {
    for (const command of commands) {
      // Act / Assess: each check's own expectations, with the README line in the failure.
      await checkFor(command)
        .exercise(command, walk)
        .catch((error: Error) => {
          throw new Error(`README walkthrough: ${command.line}\n${error.message}`, { cause: error });
        });
    }
    // The secret went to both sides.
    expect(walk.secrets.ssm).toEqual(walk.secrets.worker);
  });
});
