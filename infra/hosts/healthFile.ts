import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HEALTH_DOC } from '../../shared/index.ts';

/**
 * Where `serve` keeps the shared health document locally: `route-health.json` beside the config
 * file. It plays the KV key (`serve --runtime worker` puts it into the local KV at start) and the
 * SSM parameter (`serve --runtime lambda` answers GetParameters with it and writes it on
 * PutParameter), so a document survives a restart, which is how a brand-new instance is shown
 * skipping a provider already known down.
 *
 * @example
 * healthFilePath('/srv/route-config.json'); // '/srv/route-health.json'
 */
export function healthFilePath(configPath: string): string {
  return join(dirname(configPath), `${HEALTH_DOC.kvKey}.json`);
}

/** The health file's text, or `undefined` when there is none (the store then holds no document). */
export function readHealthFile(configPath: string): string | undefined {
  try {
    return readFileSync(healthFilePath(configPath), 'utf8');
  } catch {
    return undefined;
  }
}

/** Writes the health file (a prober's PutParameter under `serve --runtime lambda`). */
export function writeHealthFile(configPath: string, text: string): void {
  writeFileSync(healthFilePath(configPath), text);
}
