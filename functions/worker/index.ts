/**
 * Cloudflare Worker entry point: the route-fallback router at the edge (SPEC sections 2-7), hosting
 * its own copy of the repository's apps (`apps/index.ts`, narrowed by the `ROUTE_APPS` var).
 *
 * The repository's `route-config.json` is baked in at build time (esbuild inlines the JSON) and
 * serves as the cold-start fallback when KV is unreachable or holds an invalid config.
 */
import { apps } from '../../apps/index.ts';
import bakedConfig from '../../route-config.json';
import { createWorker } from './createWorker.ts';

export default createWorker({ baked: JSON.stringify(bakedConfig), apps });
