import { fileURLToPath } from 'node:url';

/**
 * Whether `error` says that the module at `url` itself does not exist, as opposed to that module
 * existing but importing something missing (a real bug, to be rethrown as it is).
 *
 * Node names the missing module in `error.url` and in the message's first quotes (the message also
 * names the importer, so a plain `includes` would misjudge); vitest's module runner only quotes it.
 */
export function isMissingModule(error: unknown, url: URL): boolean {
  const { code, url: missing, message } = (error ?? {}) as { code?: string; url?: string; message?: string };
  if (code !== 'ERR_MODULE_NOT_FOUND') return false;
  const named = [missing, /'([^']+)'/.exec(String(message))?.[1]];
  return named.some((name) => name === url.href || name === fileURLToPath(url));
}
