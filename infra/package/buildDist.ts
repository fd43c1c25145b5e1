/**
 * `npm run build` (and `npm pack`, through `prepack`): compiles the installable package into
 * `dist/`: JavaScript plus `.d.ts`, relative imports rewritten from `.ts` to `.js`, because Node
 * refuses to strip types under `node_modules`. The repository itself runs from the sources.
 *
 * `dist/package.json` carries `"type": "module"` and the version, so the compiled files load as
 * ES modules and `hadoku-route --version` finds its version from either layout.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));

rmSync(`${root}dist`, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit', cwd: root });
const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string };
writeFileSync(
  `${root}dist/package.json`,
  `${JSON.stringify({ name: 'hadoku-route-dist', private: true, version, type: 'module' }, null, 2)}\n`,
);
process.stdout.write(`dist/: built hadoku-route ${version}\n`);
