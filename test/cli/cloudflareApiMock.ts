import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Cloudflare v4 API on 127.0.0.1: the one thing the tests may mock (the
 * control plane cannot be run locally). It answers what `hadoku-route setup` and wrangler's remote
 * `kv key get/put/list` ask, with the real API's JSON envelope `{success, errors, messages, result}`,
 * and records every call so a test can see what was asked (and that the token was sent, not printed).
 */

/** One recorded request. */
export interface ApiCall {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: string;
}

/** A canned failure for the next calls: status and the API's error list. */
export interface ApiFailure {
  status: number;
  errors: Array<{ code: number; message: string }>;
  /** Raw body instead of the envelope (an HTML error page, say). */
  raw?: string;
}

/** The running stand-in. */
export interface CloudflareApiMock {
  /** API root to pass as `--api-base` / `CLOUDFLARE_API_BASE_URL`. */
  url: string;
  /** The token it accepts; any other gets 403 "Authentication error" [10000]. */
  token: string;
  calls: ApiCall[];
  /** Namespaces of the account, in creation order. */
  namespaces: Array<{ id: string; title: string }>;
  /** Values of each namespace, by key. */
  values: Map<string, Map<string, string>>;
  /** Makes every following call fail this way until cleared with `undefined`. */
  fail(failure: ApiFailure | undefined): void;
  /** Makes the next namespace creation answer this (hostile or broken) result. */
  answerCreateWith(result: unknown): void;
  close(): Promise<void>;
}

/**
 * Starts the stand-in for one account.
 *
 * @example
 * const api = await startCloudflareApiMock({ accountId: '0'.repeat(32) });
 * // CLOUDFLARE_API_BASE_URL=api.url CLOUDFLARE_API_TOKEN=api.token
 */
export async function startCloudflareApiMock(options: { accountId: string; token?: string }): Promise<CloudflareApiMock> {
  let failure: ApiFailure | undefined;
  let createAnswer: unknown;
  const mock: Omit<CloudflareApiMock, 'url' | 'close'> = {
    token: options.token ?? `test-token-${randomBytes(8).toString('hex')}`,
    calls: [],
    namespaces: [],
    values: new Map(),
    fail: (next) => {
      failure = next;
    },
    answerCreateWith: (result) => {
      createAnswer = result;
    },
  };
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const call = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body };
      mock.calls.push({ ...call, authorization: req.headers.authorization });
      if (failure) return failed(res, failure);
      if (req.headers.authorization !== `Bearer ${mock.token}`) {
        return failed(res, { status: 403, errors: [{ code: 10000, message: 'Authentication error' }] });
      }
      const answer = route(mock, options.accountId, call, () => {
        const once = createAnswer;
        createAnswer = undefined;
        return once;
      });
      if (answer.raw !== undefined) return res.writeHead(answer.status, { 'content-type': 'application/octet-stream' }).end(answer.raw);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(mock, {
    url: `http://127.0.0.1:${port}/client/v4`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

type Answer = { status: number; json?: unknown; raw?: string };

const ok = (result: unknown, extra: object = {}): Answer => ({
  status: 200,
  json: { success: true, errors: [], messages: [], result, ...extra },
});
const notFound = (code: number, message: string): Answer => ({
  status: 404,
  json: { success: false, errors: [{ code, message }], messages: [], result: null },
});

function route(
  mock: Omit<CloudflareApiMock, 'url' | 'close'>,
  accountId: string,
  call: Omit<ApiCall, 'authorization'>,
  createAnswer: () => unknown,
): Answer {
  const prefix = `/client/v4/accounts/${accountId}/storage/kv/namespaces`;
  if (!call.path.startsWith(prefix)) return notFound(7003, 'Could not route to the requested resource');
  const rest = call.path.slice(prefix.length).split('/').filter(Boolean).map(decodeURIComponent);
  if (rest.length === 0 && call.method === 'GET') return listNamespaces(mock, call.query);
  if (rest.length === 0 && call.method === 'POST') return createNamespace(mock, call.body, createAnswer());
  const values = mock.values.get(rest[0]);
  if (!values) return notFound(10013, 'list keys: namespace not found');
  if (rest[1] === 'keys' && call.method === 'GET') {
    const names = [...values.keys()].filter((name) => name.startsWith(call.query.prefix ?? '')).map((name) => ({ name }));
    return ok(names, { result_info: { count: names.length, cursor: '' } });
  }
  if (rest[1] === 'values' && rest[2] !== undefined && call.method === 'GET') {
    const value = values.get(rest[2]);
    return value === undefined ? notFound(10009, "get: 'key not found'") : { status: 200, raw: value };
  }
  if (rest[1] === 'values' && rest[2] !== undefined && call.method === 'PUT') {
    values.set(rest[2], call.body);
    return ok({});
  }
  return notFound(7003, 'Could not route to the requested resource');
}

function listNamespaces(mock: Omit<CloudflareApiMock, 'url' | 'close'>, query: Record<string, string>): Answer {
  const perPage = Number(query.per_page ?? 20);
  const page = Number(query.page ?? 1);
  const sorted = [...mock.namespaces].sort((a, b) => a.title.localeCompare(b.title));
  const slice = sorted.slice((page - 1) * perPage, page * perPage);
  const pages = Math.max(1, Math.ceil(sorted.length / perPage));
  return ok(
    slice.map((ns) => ({ ...ns, supports_url_encoding: true })),
    { result_info: { page, per_page: perPage, count: slice.length, total_count: sorted.length, total_pages: pages } },
  );
}

function createNamespace(mock: Omit<CloudflareApiMock, 'url' | 'close'>, body: string, canned: unknown): Answer {
  if (canned !== undefined) return ok(canned);
  const { title } = JSON.parse(body || '{}') as { title?: string };
  if (!title) return { status: 400, json: { success: false, errors: [{ code: 10019, message: 'title is required' }], result: null } };
  if (mock.namespaces.some((ns) => ns.title === title)) {
    return { status: 400, json: { success: false, errors: [{ code: 10014, message: 'a namespace with this title already exists' }] } };
  }
  const namespace = { id: randomBytes(16).toString('hex'), title };
  mock.namespaces.push(namespace);
  mock.values.set(namespace.id, new Map());
  return ok({ ...namespace, supports_url_encoding: true });
}

function failed(res: ServerResponse, failure: ApiFailure): void {
  if (failure.raw !== undefined) {
    res.writeHead(failure.status, { 'content-type': 'text/html' }).end(failure.raw);
    return;
  }
  res.writeHead(failure.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ success: false, errors: failure.errors, messages: [], result: null }));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
  });
}
