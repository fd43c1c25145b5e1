import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** What wrangler needs beside wrangler.toml to build the Worker (main, build command, assets, apps). */
const LINKED = ['functions', 'apps', 'infra', 'shared', 'node_modules', 'package.json', 'tsconfig.json', 'route-config.json'];

/** A scratch copy of the project for one test: its own wrangler.toml, everything else linked. */
export interface StageWorkspace {
  dir: string;
  /** The copy of wrangler.toml that setup writes into. */
  wranglerToml: string;
  remove(): void;
}

/**
 * A temporary directory holding a copy of the repository's wrangler.toml and links to the code,
 * so `hadoku-route setup` edits the copy (never the repository's file) and `wrangler deploy
 * --dry-run` still builds the real Worker from it.
 *
 * @example
 * const ws = stageWorkspace(); // ws.dir/wrangler.toml is the copy
 */
export function stageWorkspace(): StageWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'hadoku-stage-'));
  for (const name of LINKED) symlinkSync(join(REPO, name), join(dir, name));
  copyFileSync(join(REPO, 'wrangler.toml'), join(dir, 'wrangler.toml'));
  return { dir, wranglerToml: join(dir, 'wrangler.toml'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** wrangler kept offline (TOOLCHAIN.md), for every wrangler the tests start. */
export const WRANGLER_QUIET = {
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  DO_NOT_TRACK: '1',
};
