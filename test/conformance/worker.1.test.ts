import { runConformance } from './runConformance.ts';

// The Cloudflare Worker (functions/worker, bundled as wrangler does) inside local workerd through
// Miniflare, started as a user would: `hadoku-route serve --runtime worker`; the config file is put
// into the local KV namespace SETTINGS and re-put on every edit. The table is cut in two parts, one
// file each (worker.1, worker.2), so that vitest runs them side by side.
runConformance('worker', { part: { index: 1, of: 2 } });
