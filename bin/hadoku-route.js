#!/usr/bin/env node
// The `hadoku-route` CLI entry. Plain JavaScript on purpose: it must run (and explain itself) on
// a Node too old to load the TypeScript sources it then imports.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `hadoku-route needs Node.js 22.12 or newer (this is ${process.version}).\n` +
      'Install Node 22 (https://nodejs.org, or `nvm install 22`) and run the command again.\n',
  );
  process.exit(1);
}

// Node 22.12-22.17 can strip types only behind a flag: run ourselves again with it, passing
// signals on so that Ctrl-C and SIGTERM still stop `serve` and `dev` cleanly.
if (!process.features.typescript) {
  const child = spawn(process.execPath, ['--experimental-strip-types', '--disable-warning=ExperimentalWarning', ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  // `.env` is optional: it only fills variables the shell has not set already.
  if (existsSync('.env')) {
    try {
      process.loadEnvFile('.env');
    } catch (error) {
      process.stderr.write(`hadoku-route: cannot read .env: ${error.message}\n`);
      process.exit(1);
    }
  }
  // From a clone: the TypeScript sources. Installed from npm: the compiled dist/ (Node will not
  // strip types under node_modules, and the package ships no sources).
  const fromSource = existsSync(new URL('../infra/cli/main.ts', import.meta.url));
  const { main, processIo } = await import(fromSource ? '../infra/cli/main.ts' : '../dist/infra/cli/main.js');
  const code = await main(process.argv.slice(2), processIo());
  process.exit(code);
}
