import type { WorkerEnv } from '../../functions/worker/workerEnv.ts';

// `env` from cloudflare:workers carries the bindings of wrangler.toml.
declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {}
  }
}
