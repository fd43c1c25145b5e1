/**
 * Cloudflare Worker entry point: the route-fallback router at the edge (SPEC sections 2-7).
 *
 * The repository's `route-config.json` is baked in at build time (esbuild inlines the JSON) and
 * serves as the cold-start fallback when KV is unreachable or holds an invalid config.
 */
import bakedConfig from '../../route-config.json';
import { createWorker } from './createWorker.ts';

export default createWorker({ baked: JSON.stringify(bakedConfig) });
