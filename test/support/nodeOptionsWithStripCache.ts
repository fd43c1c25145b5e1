import * as nodeModule from 'node:module';

/**
 * `NODE_OPTIONS` for the node processes the tests spawn: `base` plus `--import` of
 * stripTypesCache.js (Node's type stripping of the CLI's sources, kept on disk), when this Node has
 * the synchronous hook API and the public stripper (Node >= 22.15); else `base` unchanged. The children
 * run the same Node as the tests (`process.execPath`), so checking here is enough.
 *
 * @example
 * // vitest.config.ts, project `node`
 * env: { NODE_OPTIONS: nodeOptionsWithStripCache(process.env.NODE_OPTIONS) }
 * @default base '' when unset
 */
export function nodeOptionsWithStripCache(base = ''): string {
  const api = nodeModule as { registerHooks?: unknown; stripTypeScriptTypes?: unknown };
  const able = typeof api.registerHooks === 'function' && typeof api.stripTypeScriptTypes === 'function';
  if (!able) return base;
  // A file URL: NODE_OPTIONS splits on spaces, and a clone's path may hold one (encoded as %20).
  const hook = new URL('./stripTypesCache.js', import.meta.url).href;
  return `${base} --import=${hook}`.trim();
}
