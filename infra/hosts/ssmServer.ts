/**
 * A small server on 127.0.0.1 that speaks the slice of the SSM protocol the router uses
 * (JSON 1.1 over POST, `X-Amz-Target: AmazonSSM.<Operation>`), so the real `@aws-sdk/client-ssm`
 * and Powertools Parameters run end to end without AWS. Used by the Lambda tests, by
 * `hadoku-route serve --runtime lambda` (the config file stands in for the parameter) and by the
 * flip CLI's tests.
 *
 * Point a client at it with `AWS_ENDPOINT_URL_SSM=<server.url>` plus dummy credentials and
 * `AWS_REGION`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * How the server answers every call:
 * - `ok`: normally;
 * - `outage`: 500 `InternalServerError` (the SDK retries, then fails);
 * - `throttle`: 400 `ThrottlingException` (the SDK retries with backoff, then fails);
 * - `hang`: never answers (only the client's own timeout ends the call).
 */
export type SsmServerMode = 'ok' | 'outage' | 'throttle' | 'hang';

/** One stored version of a parameter, as GetParameterHistory lists it. */
export interface SsmParameterVersion {
  name: string;
  value: string;
  version: number;
  type: string;
  /** `Standard` (up to 4096 bytes) or `Advanced`, as PutParameter set it. */
  tier: string;
  /** Seconds since the epoch, as the SSM API sends dates. */
  lastModified: number;
}

/** Options of {@link startSsmServer}. */
export interface SsmServerOptions {
  /** Parameters that exist from the start, by name (each at version 1). */
  parameters?: Record<string, string>;
  /**
   * Where a parameter's value really lives, asked on every GetParameter(s) and GetParameterHistory
   * (serve: the config file). Return `undefined` to fall back to the stored value. When the value
   * differs from the latest stored version, a new version is recorded, so versions and history stay
   * truthful when the backing store is edited behind the server's back.
   */
  readThrough?: (name: string) => string | undefined;
  /** Called after a successful PutParameter (serve: writes the config file). */
  onPut?: (name: string, value: string) => void;
  /** Port to listen on. @default 0 (any free port) */
  port?: number;
}

/** A running SSM-protocol server. */
export interface SsmServer {
  /** `http://127.0.0.1:<port>`: the value for `AWS_ENDPOINT_URL_SSM`. */
  readonly url: string;
  readonly port: number;
  /** How calls are answered from now on. */
  mode: SsmServerMode;
  /** Calls received per operation (`GetParameter`, ...), failed ones included. */
  readonly calls: Record<string, number>;
  /** Calls of one operation, or of all when `operation` is omitted. */
  callCount(operation?: string): number;
  /** Sets every counter back to 0. */
  resetCalls(): void;
  /** Stores a new version directly (no protocol, no call counted) and returns its number. */
  put(name: string, value: string, tier?: 'Standard' | 'Advanced'): number;
  /** The latest version, or `undefined` when the parameter does not exist. */
  get(name: string): SsmParameterVersion | undefined;
  /** Every version, oldest first. */
  history(name: string): SsmParameterVersion[];
  /** Stops listening and ends open (hanging) connections. */
  close(): Promise<void>;
}

/** Error the server answers with, in the shape the SDK's JSON 1.1 deserializer reads. */
class SsmFault extends Error {
  readonly status: number;
  readonly type: string;
  constructor(status: number, type: string, message: string) {
    super(message);
    this.name = 'SsmFault';
    this.status = status;
    this.type = type;
  }
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/**
 * Starts an SSM-protocol server on 127.0.0.1.
 *
 * @example
 * const ssm = await startSsmServer({ parameters: { '/route/config': text } });
 * process.env.AWS_ENDPOINT_URL_SSM = ssm.url;
 * ssm.mode = 'outage'; // every call now answers 500
 */
export async function startSsmServer(options: SsmServerOptions = {}): Promise<SsmServer> {
  const store = new Map<string, SsmParameterVersion[]>();
  const calls: Record<string, number> = {};
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();

  const put = (name: string, value: string, type = 'String', tier?: string): number => {
    const versions = store.get(name) ?? [];
    const version = (versions.at(-1)?.version ?? 0) + 1;
    // As on AWS, a parameter keeps its tier until a put names another (and never goes back down).
    const kept = versions.at(-1)?.tier ?? 'Standard';
    versions.push({ name, value, version, type, tier: tier === 'Advanced' ? 'Advanced' : kept, lastModified: Date.now() / 1000 });
    store.set(name, versions);
    return version;
  };

  // Folds the backing store's current value in as a new version when it changed.
  const sync = (name: string): void => {
    const value = options.readThrough?.(name);
    if (value !== undefined && store.get(name)?.at(-1)?.value !== value) put(name, value);
  };

  for (const [name, value] of Object.entries(options.parameters ?? {})) put(name, value);

  const describe = (p: SsmParameterVersion) => ({
    Name: p.name,
    Type: p.type,
    Value: p.value,
    Version: p.version,
    LastModifiedDate: p.lastModified,
    ARN: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${p.name.startsWith('/') ? '' : '/'}${p.name}`,
    DataType: 'text',
  });

  const requireName = (input: Record<string, unknown>): string => {
    if (typeof input.Name !== 'string' || input.Name === '') {
      throw new SsmFault(400, 'ValidationException', 'Name is required');
    }
    return input.Name;
  };

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    GetParameter(input) {
      const name = requireName(input);
      sync(name);
      const latest = store.get(name)?.at(-1);
      if (!latest) throw new SsmFault(400, 'ParameterNotFound', `Parameter ${name} not found.`);
      return { Parameter: describe(latest) };
    },
    // The config and the shared health document in one call (AWS allows 1 to 10 names); names it
    // does not know come back in InvalidParameters, as on AWS, not as an error.
    GetParameters(input) {
      const names = input.Names;
      if (!Array.isArray(names) || names.length === 0 || names.length > 10 || !names.every((n) => typeof n === 'string' && n !== '')) {
        throw new SsmFault(400, 'ValidationException', 'Names must list 1 to 10 parameter names');
      }
      const found: SsmParameterVersion[] = [];
      const invalid: string[] = [];
      for (const name of new Set(names as string[])) {
        sync(name);
        const latest = store.get(name)?.at(-1);
        if (latest) found.push(latest);
        else invalid.push(name);
      }
      return { Parameters: found.map(describe), InvalidParameters: invalid };
    },
    PutParameter(input) {
      const name = requireName(input);
      if (typeof input.Value !== 'string') throw new SsmFault(400, 'ValidationException', 'Value is required');
      sync(name);
      if (store.has(name) && input.Overwrite !== true) {
        throw new SsmFault(
          400,
          'ParameterAlreadyExists',
          'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
        );
      }
      const tier = input.Tier === 'Advanced' || store.get(name)?.at(-1)?.tier === 'Advanced' ? 'Advanced' : 'Standard';
      if (tier !== 'Advanced' && Buffer.byteLength(input.Value) > 4096) {
        throw new SsmFault(400, 'ValidationException', 'Standard tier parameters support a maximum parameter value of 4096 characters.');
      }
      const version = put(name, input.Value, typeof input.Type === 'string' ? input.Type : 'String', tier);
      options.onPut?.(name, input.Value);
      return { Version: version, Tier: tier };
    },
    GetParameterHistory(input) {
      const name = requireName(input);
      sync(name);
      const versions = store.get(name);
      if (!versions) throw new SsmFault(400, 'ParameterNotFound', `Parameter ${name} not found.`);
      // Pages like the real API so a client that follows NextToken is exercised.
      const max = typeof input.MaxResults === 'number' ? input.MaxResults : 50;
      const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
      const page = versions.slice(start, start + max);
      const next = start + max < versions.length ? String(start + max) : undefined;
      return {
        Parameters: page.map((p) => ({
          ...describe(p),
          LastModifiedUser: `arn:aws:iam::${ACCOUNT}:user/local`,
          Tier: p.tier,
          Labels: [],
          Policies: [],
        })),
        ...(next ? { NextToken: next } : {}),
      };
    },
  };

  const send = (res: ServerResponse, status: number, body: unknown, errorType?: string): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': crypto.randomUUID(),
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    });
    res.end(text);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('AmazonSSM.') ? target.slice('AmazonSSM.'.length) : target;
      calls[operation] = (calls[operation] ?? 0) + 1;
      if (api.mode === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (api.mode === 'outage')
        return send(res, 500, { __type: 'InternalServerError', message: 'simulated outage' }, 'InternalServerError');
      if (api.mode === 'throttle')
        return send(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, 'ThrottlingException');
      const run = operations[operation];
      if (req.method !== 'POST' || !run) {
        return send(
          res,
          400,
          { __type: 'UnknownOperationException', message: `unsupported: ${req.method} ${target}` },
          'UnknownOperationException',
        );
      }
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        const input: unknown = text === '' ? {} : JSON.parse(text);
        if (typeof input !== 'object' || input === null) throw new SsmFault(400, 'SerializationException', 'body is not a JSON object');
        send(res, 200, run(input as Record<string, unknown>));
      } catch (error) {
        if (error instanceof SsmFault) return send(res, error.status, { __type: error.type, message: error.message }, error.type);
        if (error instanceof SyntaxError)
          return send(res, 400, { __type: 'SerializationException', message: error.message }, 'SerializationException');
        send(res, 500, { __type: 'InternalServerError', message: String(error) }, 'InternalServerError');
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const api: SsmServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    mode: 'ok',
    calls,
    callCount(operation?: string) {
      if (operation !== undefined) return calls[operation] ?? 0;
      return Object.values(calls).reduce((sum, n) => sum + n, 0);
    },
    resetCalls() {
      for (const key of Object.keys(calls)) delete calls[key];
    },
    put: (name, value, tier) => put(name, value, 'String', tier),
    get(name) {
      sync(name);
      return store.get(name)?.at(-1);
    },
    history(name) {
      sync(name);
      return [...(store.get(name) ?? [])];
    },
    async close() {
      for (const res of hanging) res.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
  return api;
}
