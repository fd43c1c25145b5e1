import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/**
 * The package's `.env.example`, parsed: the documented defaults (`LOCAL_BASE=http://127.0.0.1:4001`
 * ...) that `dev` falls back to when neither the shell nor `.env` sets a variable. Missing or
 * unreadable means no defaults, never an error.
 */
export function readEnvDefaults(file = new URL('../../.env.example', import.meta.url)): Record<string, string> {
  try {
    return parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}
