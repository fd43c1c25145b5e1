/**
 * Black-box harness: starts one router runtime exactly as a user (and the independent suite)
 * would, through the CLI `hadoku-route serve`, and edits its config file the way an operator
 * does. Nothing here imports the router's code: only the process, its port and its config file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.ts';

/** Runtimes `hadoku-route serve --runtime` accepts. */
export type RuntimeName = 'express' | 'worker' | 'lambda';

/** The repository root (where `bin/hadoku-route.js` lives). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Environment that keeps every tool offline (TOOLCHAIN.md): wrangler's telemetry, update check,
 * error reports and `request.cf` fetch; the CDK notices; the EC2 metadata probe of the AWS SDK.
 */
export const OFFLINE_ENV: Readonly<Record<string, string>> = {
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  DO_NOT_TRACK: '1',
  CDK_DISABLE_VERSION_CHECK: '1',
  CDK_DISABLE_CLI_TELEMETRY: '1',
  AWS_EC2_METADATA_DISABLED: 'true',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};

/** What `GET /_config/route` reports about the config itself. */
export interface ConfigStatus {
  source: string;
  version: string | null;
  loaded_at: string | null;
  last_error: string | null;
  [key: string]: unknown;
}

/** Options of {@link startRouterProcess}. */
export interface RouterProcessOptions {
  runtime: RuntimeName;
  /** Initial config: an object (written as JSON) or raw text. */
  config: object | string;
  /** Added to `process.env` (and the offline switches) for the router process. */
  env?: Record<string, string>;
  /** Extra CLI arguments after the standard ones (`--self 1`, `--static DIR`). */
  args?: string[];
  /** @default 90_000: a Worker under workerd takes a few seconds, a cold machine more. */
  startTimeoutMs?: number;
  /** @default 15_000 */
  reloadTimeoutMs?: number;
}

/** A running router process. */
export interface RouterProcess {
  /** `http://127.0.0.1:<port>` as the process printed it. */
  readonly baseUrl: string;
  readonly port: number;
  readonly runtime: RuntimeName;
  /** The config file the process watches. */
  readonly configPath: string;
  /**
   * Writes a new config atomically (temp file + rename) and resolves once the router reports it:
   * its `version` changed, or (for a rejected file) its `last_error` changed to a new message.
   * Writing the same content twice resolves at once (the version only changes with content).
   */
  setConfig(config: object | string): Promise<ConfigStatus>;
  /** `GET /_config/route`, parsed. */
  configStatus(): Promise<ConfigStatus>;
  /** Every stdout and stderr line so far (the structured log lines among them). */
  output(): string[];
  /** Every output line that parses as a JSON object (the text before the first `{` ignored). */
  jsonLines(): Record<string, unknown>[];
  /** SIGTERM (then SIGKILL after 5 s) to the process group; resolves once it exited. */
  stop(): Promise<void>;
}

/** Thrown when the router process does not start, or a config edit is not picked up in time. */
export class RouterProcessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RouterProcessError';
  }
}

/** Serialises a config the way the harness writes it. */
function configText(config: object | string): string {
  return typeof config === 'string' ? config : `${JSON.stringify(config, null, 2)}\n`;
}

/** Parses the JSON object on a log line, tolerating a prefix (wrangler prints one). */
function parseJsonLine(line: string): Record<string, unknown> | undefined {
  const start = line.indexOf('{');
  if (start < 0) return undefined;
  try {
    const value: unknown = JSON.parse(line.slice(start));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Collects a child's output as lines. */
function collectLines(child: ChildProcess, lines: string[]): void {
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split(/\r?\n/);
      partial = parts.pop() ?? '';
      lines.push(...parts);
    });
    stream?.on('end', () => {
      if (partial) lines.push(partial);
      partial = '';
    });
  }
}

/** Environment for a spawned CLI: ours, the offline switches, then the caller's. */
function childEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  return { ...process.env, ...OFFLINE_ENV, ...(extra ?? {}) };
}

/** Kills the child's whole process group (wrangler spawns workerd) and waits for the exit. */
async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      // The child leads its own group (detached), so this reaches its children and nothing else.
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  };
  signalGroup('SIGTERM');
  const killTimer = setTimeout(() => signalGroup('SIGKILL'), 5000);
  await exited;
  clearTimeout(killTimer);
}

/**
 * Spawns `node bin/hadoku-route.js serve --runtime R --config TMP --port N` and resolves once it
 * printed `listening on http://127.0.0.1:N`.
 *
 * @example
 * const router = await startRouterProcess({ runtime: 'express', config: { global_priority: '1', providers: { 1: up.url } } });
 * await fetch(`${router.baseUrl}/task/api/x`);
 * await router.setConfig({ ...config, global_priority: '2' });
 * await router.stop();
 */
export async function startRouterProcess(options: RouterProcessOptions): Promise<RouterProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'hadoku-route-conformance-'));
  const configPath = join(dir, 'route-config.json');
  let written = configText(options.config);
  writeFileSync(configPath, written);
  const requestedPort = await freePort();
  const lines: string[] = [];
  const child = spawn(
    process.execPath,
    [
      'bin/hadoku-route.js',
      'serve',
      '--runtime',
      options.runtime,
      '--config',
      configPath,
      '--port',
      String(requestedPort),
      ...(options.args ?? []),
    ],
    { cwd: REPO_ROOT, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  collectLines(child, lines);
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  // A test runner that dies without stop() must not leave a router (and its workerd) behind.
  const killOnExit = (): void => {
    try {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  const startTimeoutMs = options.startTimeoutMs ?? 90_000;
  let baseUrl: string;
  try {
    baseUrl = await new Promise<string>((resolveUrl, reject) => {
      const started = Date.now();
      const check = setInterval(() => {
        for (const line of lines) {
          const match = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(line);
          if (match) {
            clearInterval(check);
            return resolveUrl(match[1]);
          }
        }
        if (child.exitCode !== null || child.signalCode !== null) {
          clearInterval(check);
          return reject(
            new RouterProcessError(
              `serve --runtime ${options.runtime} exited (${child.exitCode ?? child.signalCode}) before listening:\n${lines.join('\n')}`,
            ),
          );
        }
        if (Date.now() - started > startTimeoutMs) {
          clearInterval(check);
          return reject(
            new RouterProcessError(
              `serve --runtime ${options.runtime} printed no "listening on" within ${startTimeoutMs} ms:\n${lines.join('\n')}`,
            ),
          );
        }
      }, 25);
    });
  } catch (error) {
    await stopChild(child, exited);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const port = Number(new URL(baseUrl).port);

  const configStatus = async (): Promise<ConfigStatus> => {
    const res = await fetch(`${baseUrl}/_config/route`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as ConfigStatus;
    if (res.status !== 200) throw new RouterProcessError(`GET /_config/route answered ${res.status}: ${JSON.stringify(body)}`);
    return body;
  };
  const reloadTimeoutMs = options.reloadTimeoutMs ?? 15_000;
  let tmpCounter = 0;

  return {
    baseUrl,
    port,
    runtime: options.runtime,
    configPath,
    configStatus,
    async setConfig(config) {
      const text = configText(config);
      const before = await configStatus();
      if (text === written) return before;
      const tmp = join(dir, `.route-config.${process.pid}.${(tmpCounter += 1)}.tmp`);
      writeFileSync(tmp, text);
      renameSync(tmp, configPath);
      written = text;
      const end = Date.now() + reloadTimeoutMs;
      for (;;) {
        const now = await configStatus().catch(() => undefined);
        if (now && now.version !== before.version) return now;
        if (now && now.last_error !== null && now.last_error !== before.last_error) return now;
        // A good file whose content equals the config in force keeps its version: clearing
        // last_error is then the only sign that it was read.
        if (now && before.last_error !== null && now.last_error === null) return now;
        if (Date.now() > end) {
          throw new RouterProcessError(
            `config edit not picked up within ${reloadTimeoutMs} ms (version still ${String(before.version)}, last_error ${JSON.stringify(now?.last_error)})`,
          );
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    output: () => [...lines],
    jsonLines: () => lines.map(parseJsonLine).filter((line): line is Record<string, unknown> => line !== undefined),
    async stop() {
      await stopChild(child, exited);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a `serve` that was expected to refuse to start did. */
export interface ServeExit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `serve` over a config that should make it refuse to start and returns its exit and output;
 * kills it (and reports `code: null`) if it is still running after `timeoutMs`.
 */
export async function runServeExpectingExit(options: {
  runtime: RuntimeName;
  config: object | string;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<ServeExit> {
  const dir = mkdtempSync(join(tmpdir(), 'hadoku-route-conformance-'));
  const configPath = join(dir, 'route-config.json');
  writeFileSync(configPath, configText(options.config));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['bin/hadoku-route.js', 'serve', '--runtime', options.runtime, '--config', configPath, '--port', String(port)],
    {
      cwd: REPO_ROOT,
      env: childEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const timer = setTimeout(() => void stopChild(child, exited), options.timeoutMs ?? 30_000);
  const code = await exited;
  clearTimeout(timer);
  rmSync(dir, { recursive: true, force: true });
  return { code: stdout.includes('listening on') ? null : code, stdout, stderr };
}
