import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { answers, cliEnv, runCli, startCli, tempDir, writeFixture } from './cliProcess.ts';

describe('CLI: dev (npm start)', () => {
  it('starts three stand-ins and the express, worker and lambda routers, prints the table and a live view, falls back, and stops everything on SIGINT', async () => {
    // Prepare: the repo-style config, providers named by variable
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', {
      global_priority: '21',
      routes: { task: { priority: '123' } },
      providers: { '1': '${LOCAL_BASE}', '2': '${WORKER_BASE}', '3': '${LAMBDA_BASE}' },
      backend_source: 'id',
    });
    const cli = startCli(['dev', '--port', '0', '--log', 'dev.log'], { cwd: dir, env: cliEnv() });
    try {
      // Act: no terminal, so the live view prints its first grid below the guide
      await cli.waitForStdout(/^which provider answers, .*\n^app +express router +worker router +lambda router$/m, 60_000);
      const { stdout } = cli.output();
      // Assess: each process's name beside its URL
      const rows = [...stdout.matchAll(/^ {2}(provider [123] \(stand-in\)|\w+ router) +(http:\/\/127\.0\.0\.1:\d+)/gm)];
      expect(rows.map((r) => r[1])).toEqual(['provider 1 (stand-in)', 'provider 2 (stand-in)', 'provider 3 (stand-in)', 'express router', 'worker router', 'lambda router']);
      const urls = Object.fromEntries(rows.map((r) => [r[1], r[2]!]));
      const routers = [urls['express router']!, urls['worker router']!, urls['lambda router']!];
      expect(stdout).toContain(`curl -si ${routers[0]}/task/api/hello | grep -i '^x-backend-source'`);
      expect(stdout).toContain(`curl -si ${routers[1]}/task/api/hello | grep -i '^x-backend-source'   # worker router`);
      expect(stdout).toContain(`curl -X POST ${urls['provider 1 (stand-in)']}/_standin/mode -d '{"mode":"503"}'`);
      expect(stdout).toMatch(/flip: edit .*route-config\.json, set routes\.task\.priority to "213"/);
      expect(stdout).toContain(`npx hadoku-route drill --router ${routers[0]} --disable 1 --config `);
      // The live view: provider 1 answers task through every router, the global order (2) the rest.
      expect(stdout).toMatch(/^task +1 +1 +1$/m);
      expect(stdout).toMatch(/^demo +2 +2 +2$/m);
      // Request lines stay off the screen (the live view owns it).
      expect(stdout).not.toMatch(/^\{/m);

      // The guide works as printed, through every router: provider 1 answers, then fails, and 2 takes over.
      for (const router of routers) expect((await fetch(`${router}/task/api/hello`)).headers.get('x-backend-source'), router).toBe('1');
      await fetch(`${urls['provider 1 (stand-in)']}/_standin/mode`, { method: 'POST', body: '{"mode":"503"}' });
      for (const router of routers) {
        const response = await fetch(`${router}/task/api/hello`);
        expect(response.status, router).toBe(200);
        expect(response.headers.get('x-backend-source'), router).toBe('2');
      }

      const result = await cli.stop('SIGINT');
      expect(result.code).toBe(0);
      for (const url of Object.values(urls)) expect(await answers(url), url).toBe(false);
      // --log: every router's request lines, tagged with the runtime, went to the file instead.
      const logged = readFileSync(join(dir, 'dev.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const runtime of ['express', 'worker', 'lambda']) {
        expect(logged.some((l) => l.runtime === runtime && l.path === '/task/api/hello'), runtime).toBe(true);
      }
    } finally {
      await cli.stop('SIGKILL').catch(() => undefined);
    }
  });

  it("runs on the repo's route-config.json when the current folder has none, on the ports .env names", async () => {
    // Prepare: an empty folder with only a .env that moves provider 1
    const dir = tempDir();
    const port = await freePort();
    writeFixture(dir, '.env', `LOCAL_BASE=http://127.0.0.1:${port}\n`);
    const cli = startCli(['dev', '--port', '0', '--runtime', 'express'], { cwd: dir, env: cliEnv() });
    try {
      // Act
      await cli.waitForStdout(/^Try:/m);
      // Assess: only the router asked for, beside the stand-ins
      const { stdout } = cli.output();
      const repoConfig = fileURLToPath(new URL('../../route-config.json', import.meta.url));
      expect(stdout).toMatch(new RegExp(`^ {2}express router +http://127\\.0\\.0\\.1:\\d+ +router over ${repoConfig.replace(/[.]/g, '\\.')}$`, 'm'));
      expect(stdout).toMatch(new RegExp(`^ {2}provider 1 \\(stand-in\\) +http://127\\.0\\.0\\.1:${port} +\\$\\{LOCAL_BASE\\}$`, 'm'));
      expect(stdout).not.toMatch(/^ {2}(worker|lambda) router/m);
      expect((await cli.stop('SIGTERM')).code).toBe(0);
    } finally {
      await cli.stop('SIGKILL').catch(() => undefined);
    }
  });

  it('exits 1 before starting anything when the config is invalid', async () => {
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', { global_priority: '4', providers: { '1': '${LOCAL_BASE}' } });
    const cli = startCli(['dev'], { cwd: dir, env: cliEnv() });
    const result = await cli.exited;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/global_priority: unknown provider id "4"/);
    expect(result.stdout).not.toContain('stand-in');
  });

  it('exits 1 on a live view interval out of bounds', async () => {
    const result = await runCli(['dev', '--interval', '5']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--interval must be a number of milliseconds from 100 to 60000 \(got '5'\)/);
  });
});
