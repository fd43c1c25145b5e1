import { CliError, UsageError } from '../kit/errors.ts';
import { ExitCode } from '../kit/exitCodes.ts';

/**
 * Where the Cloudflare API answers unless `--api-base` or `CLOUDFLARE_API_BASE_URL` (the variable
 * wrangler itself reads) says otherwise.
 *
 * @default 'https://api.cloudflare.com/client/v4'
 */
export const CLOUDFLARE_API_BASE = 'https://api.cloudflare.com/client/v4';

/** One Workers KV namespace as the API lists it. */
export interface KvNamespace {
  id: string;
  title: string;
}

/** How to reach the API: base URL, account and token (never printed). */
export interface CloudflareApiOptions {
  /** API root, e.g. {@link CLOUDFLARE_API_BASE}; a test points it at a stand-in on 127.0.0.1. */
  base: string;
  /** `CLOUDFLARE_ACCOUNT_ID`: 32 hex digits. */
  accountId: string;
  /** `CLOUDFLARE_API_TOKEN`: sent as a Bearer token, never in an error or log line. */
  token: string;
  /** Per request. @default 30000 */
  timeoutMs?: number;
}

/**
 * The Cloudflare API refused or failed a call (401/403 with its own message, another error, an
 * answer that is not its JSON envelope, or no answer at all): exit 2, like an unreachable store.
 */
export class CloudflareApiError extends CliError {
  constructor(message: string, opts: { details?: readonly string[]; cause?: unknown } = {}) {
    super(message, { exitCode: ExitCode.store, details: opts.details, cause: opts.cause });
    this.name = 'CloudflareApiError';
  }
}

/** The envelope every Cloudflare v4 answer has: `{success, errors, messages, result, result_info}`. */
interface Envelope<T> {
  success?: boolean;
  errors?: Array<{ code?: number; message?: string }>;
  result?: T;
}

const PAGE_SIZE = 100;
/** A namespace id is 32 hex digits; anything else must never reach wrangler.toml. */
const NAMESPACE_ID = /^[0-9a-f]{32}$/;

/** What a KV value read found: the text, or why there is none (the API's 404 codes). */
export type KvValue = { found: true; text: string } | { found: false; reason: 'no key' | 'no namespace' };

/** The API's error code for a missing key (`GET .../values/:key` answers 404 with it). */
const KEY_NOT_FOUND = 10009;

/**
 * The Workers KV calls of the CLI: the namespace list and creation `hadoku-route setup` needs
 * (`GET`/`POST /accounts/:account_id/storage/kv/namespaces`) and the value read and write of
 * `--target kv` (`GET`/`PUT .../namespaces/:id/values/:key`), with errors that name what to fix.
 *
 * @example
 * const api = new CloudflareApi({ base: CLOUDFLARE_API_BASE, accountId, token });
 * const found = (await api.listKvNamespaces()).find((ns) => ns.title === 'hadoku-route-dev-SETTINGS');
 */
export class CloudflareApi {
  readonly #options: CloudflareApiOptions;

  constructor(options: CloudflareApiOptions) {
    this.#options = { ...options, base: options.base.replace(/\/+$/, '') };
  }

  /** Every KV namespace of the account, page by page (100 a page, as wrangler asks). */
  async listKvNamespaces(): Promise<KvNamespace[]> {
    const all: KvNamespace[] = [];
    for (let page = 1; page <= 1000; page++) {
      const query = `per_page=${PAGE_SIZE}&order=title&direction=asc&page=${page}`;
      const batch = await this.#call<KvNamespace[]>('GET', `${this.#namespaces()}?${query}`);
      if (!Array.isArray(batch)) throw new CloudflareApiError('Cloudflare API: the namespace list has no result array');
      all.push(...batch.map(checkNamespace));
      if (batch.length < PAGE_SIZE) break;
    }
    return all;
  }

  /** Creates a namespace titled `title` and returns it (its id checked to be 32 hex digits). */
  async createKvNamespace(title: string): Promise<KvNamespace> {
    return checkNamespace(await this.#call<KvNamespace>('POST', this.#namespaces(), { title }));
  }

  /** The value of `key`, as stored (the API answers the raw bytes, not an envelope). */
  async getKvValue(namespaceId: string, key: string): Promise<KvValue> {
    const path = this.#value(namespaceId, key);
    const response = await this.#send('GET', path);
    if (response.ok) return { found: true, text: await response.text() };
    const envelope = await readEnvelope<unknown>(response, `GET ${path}`);
    if (response.status === 404) {
      const missingKey = (envelope.errors ?? []).some((e) => e.code === KEY_NOT_FOUND);
      return { found: false, reason: missingKey ? 'no key' : 'no namespace' };
    }
    throw apiFailure(response.status, envelope, `GET ${path}`);
  }

  /** Writes `text` under `key` as it is (no metadata, no expiry). */
  async putKvValue(namespaceId: string, key: string, text: string): Promise<void> {
    const path = this.#value(namespaceId, key);
    const response = await this.#send('PUT', path, { type: 'text/plain; charset=utf-8', text });
    const envelope = await readEnvelope<unknown>(response, `PUT ${path}`);
    if (!response.ok || envelope.success !== true) throw apiFailure(response.status, envelope, `PUT ${path}`);
  }

  #namespaces(): string {
    return `/accounts/${encodeURIComponent(this.#options.accountId)}/storage/kv/namespaces`;
  }

  #value(namespaceId: string, key: string): string {
    return `${this.#namespaces()}/${encodeURIComponent(namespaceId)}/values/${encodeURIComponent(key)}`;
  }

  async #call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    const json = body ? { type: 'application/json', text: JSON.stringify(body) } : undefined;
    const response = await this.#send(method, path, json);
    const envelope = await readEnvelope<T>(response, `${method} ${path}`);
    if (response.ok && envelope.success === true && envelope.result !== undefined) return envelope.result;
    throw apiFailure(response.status, envelope, `${method} ${path}`);
  }

  async #send(method: 'GET' | 'POST' | 'PUT', path: string, body?: { type: string; text: string }): Promise<Response> {
    try {
      return await fetch(`${this.#options.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.#options.token}`, ...(body ? { 'content-type': body.type } : {}) },
        ...(body ? { body: body.text } : {}),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 30_000),
        redirect: 'error',
      });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? 'no answer in time' : describeFetchError(error);
      throw new CloudflareApiError(`cannot reach the Cloudflare API at ${this.#options.base}: ${reason}`, {
        details: ['check the network, or --api-base / CLOUDFLARE_API_BASE_URL'],
        cause: error,
      });
    }
  }
}

async function readEnvelope<T>(response: Response, call: string): Promise<Envelope<T>> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === 'object') return parsed as Envelope<T>;
  } catch {
    // reported below
  }
  throw new CloudflareApiError(`Cloudflare API: ${call} answered ${response.status} without its JSON envelope`, {
    details: ['is --api-base / CLOUDFLARE_API_BASE_URL the API root (…/client/v4)?'],
  });
}

/** 401/403 name the token and what it needs; any other failure carries the API's own words. */
function apiFailure(status: number, envelope: Envelope<unknown>, call: string): CloudflareApiError {
  const said = (envelope.errors ?? []).map((e) => `${e.message ?? 'error'}${e.code !== undefined ? ` [code ${e.code}]` : ''}`);
  const message = said.length > 0 ? said.join('; ') : `HTTP ${status}`;
  if (status === 401 || status === 403) {
    return new CloudflareApiError(`Cloudflare API refused CLOUDFLARE_API_TOKEN (${status}): ${message}`, {
      details: ['the token needs Account › Workers KV Storage › Edit on the account CLOUDFLARE_ACCOUNT_ID names'],
    });
  }
  return new CloudflareApiError(`Cloudflare API: ${call} failed (${status}): ${message}`);
}

function checkNamespace(value: unknown): KvNamespace {
  const ns = value as Partial<KvNamespace> | null;
  if (typeof ns?.id !== 'string' || !NAMESPACE_ID.test(ns.id) || typeof ns.title !== 'string') {
    throw new CloudflareApiError('Cloudflare API answered a namespace whose id is not 32 hex digits; nothing written');
  }
  return { id: ns.id, title: ns.title };
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/**
 * The API root from `--api-base`, else `CLOUDFLARE_API_BASE_URL`, else {@link CLOUDFLARE_API_BASE}.
 * The token travels with every call, so plain http is refused except to this machine (a stand-in).
 *
 * @example
 * apiBase(undefined, {}) // 'https://api.cloudflare.com/client/v4'
 */
export function apiBase(flag: string | undefined, env: Record<string, string | undefined>, command = 'setup'): string {
  const source = flag !== undefined ? '--api-base' : 'CLOUDFLARE_API_BASE_URL';
  const raw = flag ?? env.CLOUDFLARE_API_BASE_URL ?? CLOUDFLARE_API_BASE;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${command}: ${source} must be an http(s) URL (got '${raw}')`, { command });
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new UsageError(`${command}: ${source} must be https (plain http only to 127.0.0.1 or localhost), got '${url.origin}'`, {
      command,
    });
  }
  return url.href;
}

/**
 * The account and token from the environment, checked without ever echoing the token.
 *
 * @example
 * cloudflareCredentials({ CLOUDFLARE_API_TOKEN: 't', CLOUDFLARE_ACCOUNT_ID: '0123456789abcdef0123456789abcdef' })
 */
export function cloudflareCredentials(env: Record<string, string | undefined>, command = 'setup'): { token: string; accountId: string } {
  const token = env.CLOUDFLARE_API_TOKEN ?? '';
  if (token === '') {
    throw new UsageError(`${command}: CLOUDFLARE_API_TOKEN is not set (an API token with Account › Workers KV Storage › Edit)`, {
      command,
    });
  }
  if (/\s/.test(token)) throw new UsageError(`${command}: CLOUDFLARE_API_TOKEN contains whitespace (a pasted line break?)`, { command });
  const accountId = env.CLOUDFLARE_ACCOUNT_ID ?? '';
  if (!/^[0-9a-f]{32}$/.test(accountId)) {
    const got = accountId === '' ? 'it is not set' : `got '${accountId.slice(0, 40)}'`;
    throw new UsageError(`${command}: CLOUDFLARE_ACCOUNT_ID must be the 32 hex digits of the account (${got})`, { command });
  }
  return { token, accountId };
}
