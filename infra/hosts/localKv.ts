import { resolve } from 'node:path';
import { readCompatibility } from './wranglerCompatibility.ts';

/** Options of {@link openLocalKv}. */
export interface LocalKvOptions {
  /** wrangler's `--persist-to` folder: the data lives in `<persistTo>/v3`, as `wrangler dev` and `serve --runtime worker` keep it. */
  persistTo: string;
  /** The namespace id wrangler.toml gives the binding: the local store keys its data by it. */
  namespaceId: string;
  /** The binding name, e.g. `SETTINGS`. */
  binding: string;
}

/** One KV namespace of wrangler's local store, open until {@link LocalKv.close}. */
export interface LocalKv {
  get(key: string): Promise<string | null>;
  put(key: string, text: string): Promise<void>;
  close(): Promise<void>;
}

// A Worker with nothing to do: Miniflare needs one to hold the binding.
const IDLE_WORKER = 'export default { fetch() { return new Response(null, { status: 404 }); } };';

/**
 * Opens a KV namespace of wrangler's local store through Miniflare, the simulator wrangler itself
 * runs for `wrangler kv key get/put --local`: the same files, read and written the same way, at one
 * workerd start per open rather than one whole wrangler start (about 2.5 CPU-seconds) per call.
 *
 * @example
 * const kv = await openLocalKv({ persistTo: '.wrangler/state', namespaceId: '0'.repeat(32), binding: 'SETTINGS' });
 * try { await kv.put('route-config', text); } finally { await kv.close(); }
 */
export async function openLocalKv(options: LocalKvOptions): Promise<LocalKv> {
  const [{ Miniflare, convertV4MiniflareOptions }, compatibility] = await Promise.all([import('miniflare'), readCompatibility()]);
  const miniflare = new Miniflare({
    ...convertV4MiniflareOptions({
      modules: true,
      script: IDLE_WORKER,
      compatibilityDate: compatibility.date,
      kvNamespaces: { [options.binding]: options.namespaceId },
    }),
    resourcePersistencePath: resolve(options.persistTo, 'v3'),
  });
  try {
    const kv = await miniflare.getKVNamespace(options.binding);
    return {
      get: (key) => kv.get(key, 'text'),
      put: (key, text) => kv.put(key, text),
      close: () => miniflare.dispose(),
    };
  } catch (error) {
    await miniflare.dispose().catch(() => undefined);
    throw error;
  }
}
