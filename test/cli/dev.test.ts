import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { answers, cliEnv, startCli, tempDir, writeFixture } from './cliProcess.ts';

describe('CLI: dev (npm start)', () => {
  it('starts three stand-ins and the router, prints the table, falls back, and stops everything on SIGINT', async () => {
    // Prepare: the repo-style config, providers named by variable
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', {
      global_priority: '21',
      routes: { task: { priority: '123' } },
      providers: { '1': '${LOCAL_BASE}', '2': '${WORKER_BASE}', '3': '${LAMBDA_BASE}' },
      backend_source: 'id',
    });
    const cli = startCli(['dev'], { cwd: dir, env: cliEnv() });
    try {
      // Act
      await cli.waitForStdout(/^Try:/m);
      const { stdout } = cli.output();
      // Assess: each process's name beside its URL
      const rows = [...stdout.matchAll(/^ {2}(provider [123] \(stand-in\)|express router) +(http:\/\/127\.0\.0\.1:\d+)/gm)];
      expect(rows.map((r) => r[1])).toEqual(['provider 1 (stand-in)', 'provider 2 (stand-in)', 'provider 3 (stand-in)', 'express router']);
      const urls = Object.fromEntries(rows.map((r) => [r[1], r[2]]));
      const router = urls['express router'];
      expect(stdout).toContain(`curl -si ${router}/task/api/hello | grep -i '^x-backend-source'`);
      expect(stdout).toContain(`curl -X POST ${urls['provider 1 (stand-in)']}/_standin/mode -d '{"mode":"503"}'`);
      expect(stdout).toMatch(/flip: edit .*route-config\.json, set routes\.task\.priority to "213"/);

      // The guide works as printed: provider 1 answers, then fails, and 2 takes over.
      const first = await fetch(`${router}/task/api/hello`);
      expect(first.headers.get('x-backend-source')).toBe('1');
      await fetch(`${urls['provider 1 (stand-in)']}/_standin/mode`, { method: 'POST', body: '{"mode":"503"}' });
      const second = await fetch(`${router}/task/api/hello`);
      expect(second.status).toBe(200);
      expect(second.headers.get('x-backend-source')).toBe('2');

      const result = await cli.stop('SIGINT');
      expect(result.code).toBe(0);
      for (const url of Object.values(urls)) expect(await answers(url), url).toBe(false);
    } finally {
      await cli.stop('SIGKILL').catch(() => undefined);
    }
  });

  it("runs on the repo's route-config.json when the current folder has none, on the ports .env names", async () => {
    // Prepare: an empty folder with only a .env that moves provider 1
    const dir = tempDir();
    const port = await freePort();
    writeFixture(dir, '.env', `LOCAL_BASE=http://127.0.0.1:${port}\n`);
    const cli = startCli(['dev', '--port', '0'], { cwd: dir, env: cliEnv() });
    try {
      // Act
      await cli.waitForStdout(/^Try:/m);
      // Assess
      const { stdout } = cli.output();
      const repoConfig = fileURLToPath(new URL('../../route-config.json', import.meta.url));
      expect(stdout).toMatch(new RegExp(`^ {2}express router +http://127\\.0\\.0\\.1:\\d+ +router over ${repoConfig.replace(/[.]/g, '\\.')}$`, 'm'));
      expect(stdout).toMatch(new RegExp(`^ {2}provider 1 \\(stand-in\\) +http://127\\.0\\.0\\.1:${port} +\\$\\{LOCAL_BASE\\}$`, 'm'));
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
});
