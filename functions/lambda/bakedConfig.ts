/**
 * Replaced by esbuild `define` at build time (see `bundling.ts`) with the repo's
 * `route-config.json` as base64: base64 survives any command line or shell the bundler is run
 * through, where the raw JSON's quotes and `${VAR}` tokens would not.
 */
declare const __HADOKU_BAKED_CONFIG_B64__: string | undefined;

/**
 * The config baked into the bundle, used on a cold start when SSM is unreachable; `undefined`
 * when the source runs unbundled (tests of the adapter) or the build baked nothing.
 */
export function bakedConfigText(): string | undefined {
  // `typeof` because the identifier does not exist at all when the source runs unbundled.
  if (typeof __HADOKU_BAKED_CONFIG_B64__ !== 'string' || __HADOKU_BAKED_CONFIG_B64__ === '') return undefined;
  return Buffer.from(__HADOKU_BAKED_CONFIG_B64__, 'base64').toString('utf8');
}
