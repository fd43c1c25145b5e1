import { UsageError } from '../kit/errors.ts';

/** Which priority `flip` changes: the global one, or one app's. */
export type FlipScope = { kind: 'global' } | { kind: 'app'; app: string };

/** App names, as in `/<app>/api` (SPEC 2). */
const APP_NAME = /^[a-z0-9-]+$/;

/** Reads the `<app|global>` argument: `global` (or `*`) is `global_priority`, else an app name. */
export function flipScope(command: string, raw: string): FlipScope {
  if (raw === 'global' || raw === '*') return { kind: 'global' };
  if (!APP_NAME.test(raw)) throw new UsageError(`${command}: '${raw}' is not an app name ([a-z0-9-]+) nor 'global'`, { command });
  return { kind: 'app', app: raw };
}

/**
 * Returns the config with one priority changed, keys in their original order (serialise it with
 * {@link serializeConfig}).
 *
 * @param create - add a route for an app that has none (`--create`); otherwise that is an error
 * @throws {UsageError} when the text is not a JSON object, or the app has no route and not `create`
 */
export function setPriority(command: string, text: string, scope: FlipScope, priority: string, create: boolean): unknown {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // Not the parser's message: V8 quotes the text around the error, which may hold a secret.
    throw new UsageError(`${command}: the stored config is not valid JSON; fix it with push (show --raw prints it as stored)`, { command });
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new UsageError(`${command}: the stored config is not a JSON object`, { command });
  const config = raw as { global_priority?: unknown; routes?: Record<string, Record<string, unknown>> };
  if (scope.kind === 'global') {
    config.global_priority = priority;
  } else {
    const route = config.routes?.[scope.app];
    if (route && typeof route === 'object') {
      route.priority = priority;
    } else if (create) {
      config.routes = { ...(config.routes ?? {}), [scope.app]: { priority } };
    } else {
      const apps = Object.keys(config.routes ?? {});
      throw new UsageError(
        `${command}: app '${scope.app}' has no route (apps: ${apps.join(', ') || 'none'}); add --create to create it, or flip global`,
        { command },
      );
    }
  }
  return config;
}

/**
 * Serialises a config for its store: a file is always 2-space JSON with a trailing newline (stable
 * diffs, and what editors write); in SSM or KV a one-line value stays on one line (an SSM
 * Standard parameter holds 4096 bytes), anything else is written like a file.
 */
export function serializeConfig(value: unknown, original: string | null, target: 'file' | 'ssm' | 'kv'): string {
  const compact = target !== 'file' && original !== null && original.trim() !== '' && !original.trim().includes('\n');
  return compact ? JSON.stringify(value) : `${JSON.stringify(value, null, 2)}\n`;
}
