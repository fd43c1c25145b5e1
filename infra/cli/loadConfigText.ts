import { readFile } from 'node:fs/promises';
import { ConfigValidationError, parseConfig, type Env, type RouteConfigSnapshot } from '../../shared/index.ts';
import { configVariables } from './configVariables.ts';
import { InvalidConfigError } from '../kit/errors.ts';

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
 * is unresolved. No message shows a substituted `${VAR}` value nor the text around a JSON syntax
 * error: a value may be a secret.
 */
export function validateConfigText(text: string, env: Env, label: string): RouteConfigSnapshot {
  try {
    return parseConfig(text, env);
  } catch (cause) {
    const errors =
      cause instanceof ConfigValidationError || Array.isArray((cause as { errors?: unknown }).errors)
        ? (cause as ConfigValidationError).errors.map(String)
        : [String((cause as Error).message)];
    const safe = errors.map((e) => hideValues(e, text, env));
    const details = safe.map((e) => `- ${e}`);
    if (safe.some((e) => /\$\{[A-Za-z_][A-Za-z0-9_]*\} is not set/.test(e))) {
      details.push('hint: set each ${VAR} in the environment or in .env (see .env.example for the names)');
    }
    // The cause carries the unredacted messages: keep it out of the error (HADOKU_DEBUG prints causes).
    throw new InvalidConfigError(`${label}: invalid config, ${errors.length} error${errors.length === 1 ? '' : 's'}`, { details });
  }
}

// Values shorter than this are left alone: replacing "1" everywhere would garble every message.
const MIN_HIDDEN_LENGTH = 4;

/**
 * Defence in depth for messages that come from the shared parser: every value substituted for a
 * `${VAR}` of this config is put back as `${VAR}`, and a JSON syntax error loses the snippet of
 * config text V8 quotes around it.
 */
function hideValues(message: string, text: string, env: Env): string {
  let safe = message.replace(/Unexpected token .*? is not valid JSON/s, 'unexpected character (the text around it is not shown)');
  const values = configVariables(text, env)
    .map((v) => ({ name: v.name, value: env[v.name] ?? '' }))
    .filter((v) => v.value.length >= MIN_HIDDEN_LENGTH)
    .sort((a, b) => b.value.length - a.value.length);
  for (const { name, value } of values) {
    for (const form of new Set([value, JSON.stringify(value).slice(1, -1)])) safe = safe.split(form).join(`\${${name}}`);
  }
  return safe;
}
