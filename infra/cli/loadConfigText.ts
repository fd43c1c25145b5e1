import { readFile } from 'node:fs/promises';
import { ConfigValidationError, parseConfig, type Env, type RouteConfigSnapshot } from '../../shared/index.ts';
import { InvalidConfigError } from './errors.ts';

/**
 * Reads a config file as text. A missing or unreadable file is invalid input (exit 1), named with
 * the flag that chose it, so the user knows what to change.
 *
 * @param flag - how the user picks the file, e.g. `--config FILE`, for the message.
 */
export async function readConfigFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (cause as Error).message;
    throw new InvalidConfigError(`cannot read config ${path}: ${why} (choose another with ${flag})`, { cause });
  }
}

/**
 * Validates config text with the routers' own parser.
 *
 * @param label - how to name the config in messages (its path, or `ssm:/name`).
 * @throws {InvalidConfigError} listing every error with its field, plus a hint when a `${VAR}`
 * is unresolved.
 */
export function validateConfigText(text: string, env: Env, label: string): RouteConfigSnapshot {
  try {
    return parseConfig(text, env);
  } catch (cause) {
    const errors =
      cause instanceof ConfigValidationError || Array.isArray((cause as { errors?: unknown }).errors)
        ? (cause as ConfigValidationError).errors.map(String)
        : [String((cause as Error).message)];
    const details = errors.map((e) => `- ${e}`);
    if (errors.some((e) => /\$\{[A-Za-z_]/.test(e))) {
      details.push('hint: set each ${VAR} in the environment or in .env (see .env.example for the names)');
    }
    throw new InvalidConfigError(`${label}: invalid config, ${errors.length} error${errors.length === 1 ? '' : 's'}`, {
      details,
      cause,
    });
  }
}
