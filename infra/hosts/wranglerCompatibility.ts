import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KV_CONFIG } from '../../shared/index.ts';
import { findKvId } from './wranglerTomlKv.ts';

const wranglerToml = resolve(fileURLToPath(new URL('../../', import.meta.url)), 'wrangler.toml');

/** What a local workerd takes from wrangler.toml to run as the deployed Worker does. */
export interface WranglerCompatibility {
  date: string;
  flags: string[];
  /** The top level's `SETTINGS` namespace id (as `wrangler dev` picks it): wrangler's local store keys its data by it. */
  kvId: string;
}

/** Used when wrangler.toml cannot be read; keep in step with it. */
const FALLBACK: WranglerCompatibility = { date: '2026-11-01', flags: ['enable_request_signal'], kvId: '00000000000000000000000000000000' };

/**
 * The repository's wrangler.toml compatibility date and flags and its `SETTINGS` id, so every
 * local workerd (`serve --runtime worker`, the local KV of `flip --target kv --local`) runs as the
 * deployed Worker; the fallback when the file cannot be read.
 *
 * @example
 * const { date, flags } = await readCompatibility();
 */
export async function readCompatibility(): Promise<WranglerCompatibility> {
  let toml: string;
  try {
    toml = await readFile(wranglerToml, 'utf8');
  } catch {
    return FALLBACK;
  }
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1] ?? FALLBACK.date;
  const flagList = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1];
  const flags = flagList === undefined ? [] : [...flagList.matchAll(/"([^"]+)"/g)].map((match) => match[1]!);
  const kvId = findKvId(toml, undefined, KV_CONFIG.binding) ?? FALLBACK.kvId;
  return { date, flags, kvId };
}
