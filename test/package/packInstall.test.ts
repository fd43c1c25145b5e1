/**
 * The installable package, round trip: `npm pack` (prepack builds dist/), install the tarball into
 * an empty project, then the CLI answers through `npx`, and a plain Express app imports
 * `hadoku-route/express` with its types. Uses the npm cache first (`--prefer-offline`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const npm = (args: string[], cwd: string) =>
  run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], { cwd, timeout: 240_000 });

const CONSUMER = `import express from 'express';
import { createRouter, type Router } from 'hadoku-route';
import { createFileConfig, createPoolTransport, routerMiddleware } from 'hadoku-route/express';

const config = await createFileConfig({ file: 'route-config.json', env: process.env });
const router: Router = createRouter({ config: config.manager, fetch: createPoolTransport(), self: '1', runtime: 'express' });
express().use(routerMiddleware({ router }));
`;

describe('the npm package', () => {
  let work: string;
  let app: string;
  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'hadoku-pack-'));
    app = path.join(work, 'app');
    await npm(['pack', '--pack-destination', work], repo);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    await run('mkdir', [app]);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await npm(['install', path.join(work, tarball), '@types/express@5.0.6', '@types/node@22.20.7'], app);
  }, 300_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('runs the CLI from node_modules through npx (compiled JavaScript, no type stripping)', async () => {
    const { stdout } = await run('npx', ['hadoku-route', '--help'], { cwd: app, timeout: 60_000 });
    expect(stdout).toMatch(/^hadoku-route \d+\.\d+\.\d+: route \/<app>\/api/);
    const version = await run('npx', ['hadoku-route', '--version'], { cwd: app, timeout: 60_000 });
    expect(version.stdout.trim()).toMatch(/\d+\.\d+\.\d+/);
  }, 120_000);

  it('ships only dist/, bin/ and docs: no TypeScript sources, no tests', async () => {
    const { stdout } = await run('find', ['node_modules/hadoku-route', '-name', '*.ts', '-not', '-name', '*.d.ts'], { cwd: app });
    expect(stdout.trim()).toBe('');
    const { stdout: tests } = await run('find', ['node_modules/hadoku-route', '-path', '*test*'], { cwd: app });
    expect(tests.trim()).toBe('');
  });

  it('lets a plain Express app import hadoku-route/express with types', async () => {
    writeFileSync(path.join(app, 'check.ts'), CONSUMER);
    writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          types: ['node'],
        },
        files: ['check.ts'],
      }),
    );
    await expect(
      run(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: app }),
    ).resolves.toBeDefined();
    const { stdout } = await run(
      process.execPath,
      ['-e', "import('hadoku-route/express').then((m) => console.log(Object.keys(m).sort().join(',')))"],
      { cwd: app },
    );
    expect(stdout.trim()).toBe('createFileConfig,createHttpTransport,createPoolTransport,routerMiddleware,startExpressRouter');
  }, 120_000);
});
