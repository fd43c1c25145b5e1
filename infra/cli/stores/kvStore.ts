import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentVersion, KV_CONFIG } from '../../../shared/index.ts';
import { StoreConflictError, StoreSetupError, StoreUnavailableError } from '../../kit/errors.ts';
import { openLocalKv, type LocalKv } from '../../hosts/localKv.ts';
import { apiBase, CloudflareApi, cloudflareCredentials } from '../cloudflareApi.ts';
import { findKvId } from '../../hosts/wranglerTomlKv.ts';
import type { ConfigStore, StoredConfig } from './configStore.ts';

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
  /** `CLOUDFLARE_API_TOKEN`, `CLOUDFLARE_ACCOUNT_ID` and `CLOUDFLARE_API_BASE_URL` for Cloudflare's store. */
  env: Record<string, string | undefined>;
  /** wrangler's `--persist-to` for the local store. @default `.wrangler/state` beside wrangler.toml, as wrangler */
  persistTo?: string;
  /**
   * The stage whose `[[env.<stage>.kv_namespaces]]` id is used, as wrangler's `--env`.
   * @default env.CLOUDFLARE_ENV (which wrangler reads too), else the top level
   */
  stage?: string;
  /** The command, for the messages. @default 'kv' */
  command?: string;
}

/** The two calls a config store needs of a KV namespace. */
interface KvNamespaceAccess {
  get(key: string): Promise<string | null>;
  put(key: string, text: string): Promise<void>;
}

/**
 * The Worker's `SETTINGS` KV namespace, key `route-config`: Cloudflare's through the API
 * (`CLOUDFLARE_API_TOKEN`, `CLOUDFLARE_ACCOUNT_ID`), or with `local` wrangler's local store (the
 * files `wrangler dev` and `serve --runtime worker` use). The namespace is the one wrangler.toml
 * binds for the stage, as wrangler would pick it. KV has no versions: the version is a content
 * hash, and a write re-reads the key first and refuses when it changed.
 */
export class KvStore implements ConfigStore {
  readonly target = 'kv' as const;
  readonly remote: boolean;
  readonly label: string;
  readonly #access: KvNamespaceAccess;

  constructor(options: KvStoreOptions) {
    this.remote = !options.local;
    const command = options.command ?? 'kv';
    const inCwd = resolve(options.cwd, 'wrangler.toml');
    const wranglerToml = existsSync(inCwd) ? inCwd : join(PACKAGE_ROOT, 'wrangler.toml');
    const stage = options.stage ?? (options.env.CLOUDFLARE_ENV || undefined);
    const namespaceId = bindingId(wranglerToml, stage, command);
    const where = options.local ? `local${options.persistTo ? ` ${options.persistTo}` : ''}` : 'Cloudflare';
    this.label = `kv ${KV_BINDING}/${KV_KEY} (${where}${stage ? `, stage ${stage}` : ''})`;
    this.#access = options.local
      ? new LocalAccess(options.persistTo ?? join(dirname(wranglerToml), '.wrangler', 'state'), namespaceId, this.label)
      : new RemoteAccess(options.env, namespaceId, command, wranglerToml, this.label);
  }

  async read(): Promise<StoredConfig | null> {
    const text = await this.#access.get(KV_KEY);
    return text === null ? null : { text, version: contentVersion(text) };
  }

  async write(text: string, expected: string | null): Promise<string> {
    const current = await this.read();
    if ((current?.version ?? null) !== expected) {
      throw new StoreConflictError(`${this.label} changed since it was read; nothing written (run the command again)`);
    }
    await this.#access.put(KV_KEY, text);
    return contentVersion(text);
  }
}

/** The id wrangler.toml binds `SETTINGS` to for the stage (or at the top level), or a setup error naming the table to add. */
function bindingId(wranglerToml: string, stage: string | undefined, command: string): string {
  let text: string;
  try {
    text = readFileSync(wranglerToml, 'utf8');
  } catch (error) {
    throw new StoreSetupError(`${command}: cannot read ${wranglerToml}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  const id = findKvId(text, stage, KV_BINDING);
  if (id !== null) return id;
  const table = stage ? `[[env.${stage}.kv_namespaces]]` : '[[kv_namespaces]]';
  throw new StoreSetupError(`${command}: ${wranglerToml} binds no KV namespace "${KV_BINDING}"`, {
    details: [
      `add a ${table} table with binding = "${KV_BINDING}" and the namespace id to ${wranglerToml}`,
      ...(stage ? [`\`hadoku-route setup --stage ${stage}\` finds or creates the namespace and writes its id there`] : []),
    ],
  });
}

/**
 * wrangler's local store, opened once for the operations of one command and closed when none has
 * followed for a moment: a flip reads, re-reads and writes, and each open starts a workerd.
 */
class LocalAccess implements KvNamespaceAccess {
  readonly #options: { persistTo: string; namespaceId: string; binding: string };
  readonly #label: string;
  #open: Promise<LocalKv> | undefined;
  #idle: NodeJS.Timeout | undefined;
  #busy = 0;

  constructor(persistTo: string, namespaceId: string, label: string) {
    this.#options = { persistTo, namespaceId, binding: KV_BINDING };
    this.#label = label;
  }

  get(key: string): Promise<string | null> {
    return this.#use((kv) => kv.get(key));
  }

  put(key: string, text: string): Promise<void> {
    return this.#use((kv) => kv.put(key, text));
  }

  async #use<T>(operation: (kv: LocalKv) => Promise<T>): Promise<T> {
    clearTimeout(this.#idle);
    this.#busy++;
    try {
      this.#open ??= openLocalKv(this.#options);
      return await operation(await this.#open);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
        throw new StoreSetupError(`cannot open ${this.#label}: the local store needs miniflare`, {
          details: ['install it beside wrangler (`npm install --save-dev wrangler`, which brings it), or leave out --local'],
          cause: error,
        });
      }
      throw new StoreUnavailableError(`cannot reach ${this.#label}: ${(error as Error).message}`, { cause: error });
    } finally {
      if (--this.#busy === 0) this.#closeSoon();
    }
  }

  #closeSoon(): void {
    const open = this.#open;
    // Unref'd: a CLI that is done exits without waiting, and Miniflare stops its workerd on exit.
    this.#idle = setTimeout(() => {
      this.#open = undefined;
      void open?.then((kv) => kv.close()).catch(() => undefined);
    }, 200);
    this.#idle.unref();
  }
}

/** Cloudflare's store through the API, with the token and account of the environment. */
class RemoteAccess implements KvNamespaceAccess {
  readonly #api: CloudflareApi;
  readonly #namespaceId: string;
  readonly #where: { command: string; wranglerToml: string; label: string };

  constructor(env: Record<string, string | undefined>, namespaceId: string, command: string, wranglerToml: string, label: string) {
    this.#api = new CloudflareApi({ base: apiBase(undefined, env, command), ...cloudflareCredentials(env, command) });
    this.#namespaceId = namespaceId;
    this.#where = { command, wranglerToml, label };
  }

  async get(key: string): Promise<string | null> {
    const value = await this.#api.getKvValue(this.#namespaceId, key);
    if (value.found) return value.text;
    if (value.reason === 'no key') return null;
    throw new StoreSetupError(`${this.#where.command}: ${this.#where.label}: the account has no namespace ${this.#namespaceId}`, {
      details: [
        `the id in ${this.#where.wranglerToml} is not one of CLOUDFLARE_ACCOUNT_ID's namespaces: run \`hadoku-route setup --stage <stage>\``,
      ],
    });
  }

  put(key: string, text: string): Promise<void> {
    return this.#api.putKvValue(this.#namespaceId, key, text);
  }
}
