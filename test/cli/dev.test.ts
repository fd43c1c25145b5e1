import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { devStateDir } from '../../infra/hosts/devState.ts';
import { CONFIG_STORES, STACKS } from '../../infra/hosts/topology.ts';
import { freePort } from '../support/ports.ts';
import { answers, cliEnv, runCli, startCli, tempDir, writeFixture } from './cliProcess.ts';

/** The repository's config shape: providers named by variable, task tried 2 > 1 > 3, watchparty on 1. */
const CONFIG = {
  global_priority: '21',
  routes: { task: { priority: '213' }, watchparty: { priority: '1' } },
  providers: { '1': '${LOCAL_BASE}', '2': '${WORKER_BASE}', '3': '${LAMBDA_BASE}' },
  backend_source: 'id',
};

describe('CLI: dev (npm start), the real topology', () => {
  it('runs the three stacks (each a router hosting the apps, and an entry point), shows which stack served each app through each router, stops on SIGINT', async () => {
    // Prepare
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', CONFIG);
    const cli = startCli(['dev', '--port', '0', '--log', 'dev.log'], { cwd: dir, env: cliEnv() });
    try {
      // Act: no terminal, so the live view prints its first grid below the guide
      await cli.waitForStdout(/^which provider answers, .*\n^app +express router +worker router +lambda router$/m, 90_000);
      const { stdout } = cli.output();

      // Assess: one row per stack, its router beside its URL and the provider it is
      const rows = [...stdout.matchAll(/^ {2}(\w+) router +(http:\/\/127\.0\.0\.1:\d+) +provider ([123]) \$\{(\w+)\}, apps in-process/gm)];
      expect(rows.map((r) => [r[1], r[3], r[4]])).toEqual([
        ['express', '1', 'LOCAL_BASE'],
        ['worker', '2', 'WORKER_BASE'],
        ['lambda', '3', 'LAMBDA_BASE'],
      ]);
      expect(stdout).not.toMatch(/^ {2}provider \d \(stand-in\)/m);
      const routers = rows.map((r) => r[2]!);
      // The live view: stack 2 serves task through every router, stack 1 watchparty.
      expect(stdout).toMatch(/^task +2 +2 +2$/m);
      expect(stdout).toMatch(/^watchparty +1 +1 +1$/m);
      expect(stdout).toContain(`npx hadoku-route drill --router ${routers[0]} --disable 2 --config `);
      expect(stdout).not.toMatch(/^\{/m);

      // Every router names all three stacks as the providers, and the stack's own copy of the app answers.
      for (const router of routers) {
        const info = (await (await fetch(`${router}/_config/route`)).json()) as { providers: Record<string, string> };
        expect(info.providers, router).toEqual({ '1': routers[0], '2': routers[1], '3': routers[2] });
        expect(await (await fetch(`${router}/task/api/`)).json(), router).toMatchObject({ app: 'task', provider: '2', runtime: 'worker' });
        expect(await (await fetch(`${router}/watchparty/api/`)).json(), router).toMatchObject({
          app: 'watchparty',
          provider: '1',
          runtime: 'express',
        });
      }
      const statePath = join(devStateDir(), `dev-${cli.child.pid}.json`);
      expect(existsSync(statePath)).toBe(true);

      const result = await cli.stop('SIGINT');
      expect(result.code).toBe(0);
      for (const url of routers) expect(await answers(url), url).toBe(false);
      expect(existsSync(statePath)).toBe(false);
      const logged = readFileSync(join(dir, 'dev.log'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const runtime of ['express', 'worker', 'lambda']) {
        expect(
          logged.some((l) => l.runtime === runtime && l.path === '/task/api/'),
          runtime,
        ).toBe(true);
      }
    } finally {
      await cli.stop('SIGKILL').catch(() => undefined);
    }
  });

  it("runs on the repo's route-config.json when the current folder has none; stacks not asked for are named, not started", async () => {
    const dir = tempDir();
    const cli = startCli(['dev', '--port', '0', '--runtime', 'express'], { cwd: dir, env: cliEnv() });
    const repoConfig = fileURLToPath(new URL('../../route-config.json', import.meta.url));
    try {
      // The guide names the config after "Try:": wait for the name itself, not for the line before it.
      await cli.waitForStdout(new RegExp(repoConfig.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      const { stdout } = cli.output();
      expect(stdout).toMatch(/^ {2}express router +http:\/\/127\.0\.0\.1:\d+ +provider 1 \$\{LOCAL_BASE\}, apps in-process, config: file/m);
      expect(stdout).toMatch(/^ {2}provider 2 \(not started\) +http:\/\/127\.0\.0\.1:\d+ +\$\{WORKER_BASE\}: nothing listens/m);
      expect(stdout).toContain(repoConfig);
      expect((await cli.stop('SIGTERM')).code).toBe(0);
    } finally {
      await cli.stop('SIGKILL').catch(() => undefined);
    }
  });
});

describe('CLI: dev --standins (fault injection)', () => {
  it('starts three stand-ins and the express, worker and lambda routers in front of them; a failing stand-in is fallen over from', async () => {
    // Prepare
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', { ...CONFIG, routes: { task: { priority: '123' } } });
    const cli = startCli(['dev', '--standins', '--port', '0'], { cwd: dir, env: cliEnv() });
    try {
      // Act
      await cli.waitForStdout(/^which provider answers, .*\n^app +express router +worker router +lambda router$/m, 90_000);
      const { stdout } = cli.output();
      // Assess
      const rows = [...stdout.matchAll(/^ {2}(provider [123] \(stand-in\)|\w+ router) +(http:\/\/127\.0\.0\.1:\d+)/gm)];
      expect(rows.map((r) => r[1])).toEqual([
        'provider 1 (stand-in)',
        'provider 2 (stand-in)',
        'provider 3 (stand-in)',
        'express router',
        'worker router',
        'lambda router',
      ]);
      const urls = Object.fromEntries(rows.map((r) => [r[1], r[2]!]));
      const routers = [urls['express router']!, urls['worker router']!, urls['lambda router']!];
      expect(stdout).toContain(`curl -X POST ${urls['provider 1 (stand-in)']}/_standin/mode -d '{"mode":"503"}'`);
      expect(stdout).toMatch(/^task +1 +1 +1$/m);
      expect(stdout).toMatch(/^demo +2 +2 +2$/m);

      await fetch(`${urls['provider 1 (stand-in)']}/_standin/mode`, { method: 'POST', body: '{"mode":"503"}' });
      for (const router of routers) {
        const response = await fetch(`${router}/task/api/hello`);
        expect(response.status, router).toBe(200);
        expect(response.headers.get('x-backend-source'), router).toBe('2');
      }
      expect((await cli.stop('SIGINT')).code).toBe(0);
      for (const url of Object.values(urls)) expect(await answers(url), url).toBe(false);
    } finally {
      await cli.stop('SIGKILL').catch(() => undefined);
    }
  });

  it('puts the stand-ins on the ports .env names', async () => {
    const dir = tempDir();
    const port = await freePort();
    writeFixture(dir, '.env', `LOCAL_BASE=http://127.0.0.1:${port}\n`);
    const cli = startCli(['dev', '--standins', '--port', '0', '--runtime', 'express'], { cwd: dir, env: cliEnv() });
    try {
      await cli.waitForStdout(/^Try:/m);
      const { stdout } = cli.output();
      expect(stdout).toMatch(new RegExp(`^ {2}provider 1 \\(stand-in\\) +http://127\\.0\\.0\\.1:${port} +\\$\\{LOCAL_BASE\\}$`, 'm'));
      expect(stdout).not.toMatch(/^ {2}(worker|lambda) router/m);
      expect((await cli.stop('SIGTERM')).code).toBe(0);
    } finally {
      await cli.stop('SIGKILL').catch(() => undefined);
    }
  });
});

describe('CLI: dev refuses', () => {
  it('exits 1 before starting anything when the config is invalid', async () => {
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', { global_priority: '4', providers: { '1': '${LOCAL_BASE}' } });
    const result = await runCli(['dev'], { cwd: dir, env: cliEnv() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/global_priority: unknown provider id "4"/);
    expect(result.stdout).not.toContain('router');
    expect(readdirSync(dir)).toEqual(['route-config.json']);
  });

  it('exits 1 on a live view interval out of bounds', async () => {
    const result = await runCli(['dev', '--interval', '5']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--interval must be a number of milliseconds from 100 to 60000 \(got '5'\)/);
  });
});

describe('README: the topology diagram', () => {
  it('draws the stacks the code starts: each runtime as its provider id, its variable and its config store', () => {
    // Prepare
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const section = readme.slice(readme.indexOf('## `npm start`'), readme.indexOf('\n## ', readme.indexOf('## `npm start`') + 1));
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    // Assess: one node per stack naming runtime, provider and variable; one per config store
    expect(diagram).not.toBe('');
    for (const stack of STACKS) {
      expect(diagram, stack.runtime).toMatch(
        new RegExp(`R${stack.id}\\["${stack.runtime} router<br/>provider ${stack.id} \\(\\$\\{${stack.envVar}\\}\\)`),
      );
      expect(diagram, stack.runtime).toContain(`C${stack.id}[("${CONFIG_STORES[stack.runtime]}")]`);
      expect(diagram, stack.runtime).toContain(`C${stack.id} -.-> R${stack.id}`);
      // Every router reaches the other two stacks, each answering with its own copy (X-No-Fallback)
      for (const other of STACKS.filter((s) => s !== stack)) expect(diagram).toContain(`R${stack.id} -->|X-No-Fallback| R${other.id}`);
    }
  });
});
