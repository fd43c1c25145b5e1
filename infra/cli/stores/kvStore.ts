import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentVersion, KV_CONFIG } from '../../../shared/index.ts';
import { StoreConflictError, StoreSetupError, StoreUnavailableError } from '../../kit/errors.ts';
import type { ConfigStore, StoredConfig } from './configStore.ts';
import { WRANGLER_OFFLINE_ENV } from '../../hosts/wranglerOffline.ts';

/** KV binding and key the Worker reads its config from (SPEC 7). */
export const KV_BINDING = KV_CONFIG.binding;
export const KV_KEY = KV_CONFIG.key;

const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Options of {@link KvStore}. */
export interface KvStoreOptions {
  /** wrangler's local store instead of Cloudflare's. */
  local: boolean;
  /** Where wrangler.toml is looked for first; the package's own is used otherwise. */
  cwd: string;
  env: Record<string, string | undefined>;
  /** wrangler `--persist-to` for the local store. */
  persistTo?: string;
  /** wrangler `--env`: the stage's own `[env.<stage>]` block and KV namespace. */
  stage?: string;
  /** Per wrangler call. @default 60000 */
  timeoutMs?: number;
}

/**
 * The Worker's `SETTINGS` KV namespace, key `route-config`, through wrangler (`wrangler kv key
 * get/put`, `--local` or remote). KV has no versions: the version is a content hash, and a write
 * re-reads the key first and refuses when it changed.
 */
export class KvStore implements ConfigStore {
  readonly target = 'kv' as const;
  readonly remote: boolean;
  readonly label: string;
  readonly #options: KvStoreOptions;
  readonly #wranglerToml: string;

  constructor(options: KvStoreOptions) {
    this.#options = options;
    this.remote = !options.local;
    const inCwd = resolve(options.cwd, 'wrangler.toml');
    this.#wranglerToml = existsSync(inCwd) ? inCwd : join(PACKAGE_ROOT, 'wrangler.toml');
    this.label = `kv ${KV_BINDING}/${KV_KEY} (${options.local ? `local${options.persistTo ? ` ${options.persistTo}` : ''}` : 'Cloudflare'})`;
  }

  async read(): Promise<StoredConfig | null> {
    const text = await this.#wrangler(['kv', 'key', 'get', KV_KEY]).catch((error: Error) => {
      // Remote, a missing key is the API's 404 (wrangler exits 1); the key list below tells it from a missing namespace.
      if (this.remote && /\/values\/\S+ - 404\b/.test(error.message)) return 'Value not found\n';
      throw error;
    });
    // wrangler prints this for a missing key, exit 0: ask the key list to tell it from a value.
    if (text === 'Value not found\n') {
      const list = JSON.parse(await this.#wrangler(['kv', 'key', 'list', '--prefix', KV_KEY])) as Array<{ name: string }>;
      if (!list.some((k) => k.name === KV_KEY)) return null;
    }
    return { text, version: contentVersion(text) };
  }

  async write(text: string, expected: string | null): Promise<string> {
    const current = await this.read();
    if ((current?.version ?? null) !== expected) {
      throw new StoreConflictError(`${this.label} changed since it was read; nothing written (run the command again)`);
    }
    const dir = await mkdtemp(join(tmpdir(), 'hadoku-kv-'));
    try {
      const file = join(dir, 'route-config.json');
      await writeFile(file, text);
      await this.#wrangler(['kv', 'key', 'put', KV_KEY, '--path', file]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return contentVersion(text);
  }

  #wrangler(args: string[]): Promise<string> {
    const where = this.#options.local
      ? ['--local', ...(this.#options.persistTo ? ['--persist-to', this.#options.persistTo] : [])]
      : ['--remote'];
    const bin = join(PACKAGE_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
    const stage = this.#options.stage ? ['--env', this.#options.stage] : [];
    const full = [bin, ...args, '--binding', KV_BINDING, '--config', this.#wranglerToml, ...stage, ...where];
    return new Promise((resolvePromise, reject) => {
      execFile(
        process.execPath,
        full,
        {
          cwd: this.#options.cwd,
          env: { ...this.#options.env, ...WRANGLER_OFFLINE_ENV } as NodeJS.ProcessEnv,
          timeout: this.#options.timeoutMs ?? 60_000,
          maxBuffer: 16 * 1024 * 1024,
        },
        (error, stdout, stderr) => {
          if (!error) return resolvePromise(stdout);
          reject(this.#failure(error, stripAnsi(stderr || stdout)));
        },
      );
    });
  }

  #failure(error: Error, output: string): Error {
    const line =
      output
        .split('\n')
        .map((l) => l.trim())
        .find((l) => /error|✘/i.test(l)) ??
      (error.message.split('\n')[0] || 'wrangler failed');
    const cause = `cannot reach ${this.label}: ${line.replace(/^✘\s*\[ERROR\]\s*/, '')}`;
    if (/No KV namespace with binding|kv_namespaces/i.test(output)) {
      return new StoreSetupError(cause, {
        details: [`add a [[kv_namespaces]] binding "${KV_BINDING}" to ${this.#wranglerToml}`],
        cause: error,
      });
    }
    if (/not logged in|login|CLOUDFLARE_API_TOKEN|authenticat/i.test(output)) {
      return new StoreSetupError(cause, {
        details: ['set CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID) or run `npx wrangler login`; or use --local'],
        cause: error,
      });
    }
    if (/namespace.*(not found|does not exist)|10041/i.test(output)) {
      return new StoreSetupError(cause, {
        details: [
          `the namespace id in ${this.#wranglerToml} does not exist: create it with \`npx wrangler kv namespace create ${KV_BINDING}\``,
        ],
        cause: error,
      });
    }
    return new StoreUnavailableError(cause, {
      details: ["run with HADOKU_DEBUG=1 to see wrangler's output"],
      cause: Object.assign(error, { output }),
    });
  }
}

function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
