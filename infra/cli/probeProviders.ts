/**
 * The pre-flight check of a guarded `flip`: does each provider of the new order answer right now?
 * Every provider in this project is a router that hosts the apps, so a provider is "up" when its
 * own copy of the app answers `GET <base>/<app>/api/health` (sent with `X-No-Fallback: 1`, so the
 * router there makes one attempt and never falls over to someone else), or when it answers
 * `GET <base>/_router/health` with 200.
 */

/** What a probe found: `unknown` when the provider's base could not be known here (a placeholder). */
export type ProbeState = 'up' | 'down' | 'unknown';

/** One provider to probe. */
export interface ProbeTarget {
  id: string;
  /** The provider's base URL, or `null` when a `${VAR}` of it is not set here (nothing to probe). */
  base: string | null;
  /** Why `base` is `null`, e.g. `${WORKER_BASE} not set here`. */
  unknownReason?: string;
}

/** The verdict on one provider, as `flip` prints it and puts in its `--json` document. */
export interface ProbeResult {
  id: string;
  state: ProbeState;
  /** What was seen, e.g. `GET /task/api/health 200`, `timed out after 2000 ms`, `connection refused`. */
  detail: string;
  /** Milliseconds until the verdict (0 when not probed). */
  ms: number;
}

/** Options of {@link probeProviders}. */
export interface ProbeOptions {
  /** The app whose health path is asked; `null` (a global flip) asks `/_router/health` only. */
  app: string | null;
  /** Per request. @default 2000 */
  timeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * Probes every target in parallel; resolves once each has a verdict (at most about `timeoutMs`).
 * A probe that times out, is refused or answers anything but 2xx counts as down, with the reason.
 *
 * @example
 * await probeProviders([{ id: '2', base: 'http://127.0.0.1:8788' }], { app: 'task' })
 * // [{ id: '2', state: 'up', detail: 'GET /task/api/health 200', ms: 8 }]
 */
export function probeProviders(targets: readonly ProbeTarget[], options: ProbeOptions): Promise<ProbeResult[]> {
  return Promise.all(targets.map((target) => probeOne(target, options)));
}

async function probeOne(target: ProbeTarget, options: ProbeOptions): Promise<ProbeResult> {
  if (target.base === null) {
    return { id: target.id, state: 'unknown', detail: `${target.unknownReason ?? 'base not known here'}: not probed`, ms: 0 };
  }
  const started = performance.now();
  const paths = options.app === null ? ['/_router/health'] : [`/${options.app}/api/health`, '/_router/health'];
  const answers = await Promise.all(paths.map((path) => ask(target.base!, path, options)));
  const ms = Math.round(performance.now() - started);
  const up = answers.find((a) => a.up);
  // The app's own answer says most; /_router/health only stands in when the app path fails.
  const shown = up ?? answers[0]!;
  return { id: target.id, state: up ? 'up' : 'down', detail: shown.detail, ms };
}

async function ask(base: string, path: string, options: ProbeOptions): Promise<{ up: boolean; detail: string }> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const doFetch = options.fetch ?? fetch;
  try {
    const response = await doFetch(`${base}${path}`, {
      headers: { 'x-no-fallback': '1', accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Read (and drop) the body so the connection is released; its size is bounded by the timeout.
    await response.arrayBuffer().catch(() => undefined);
    const up = response.status >= 200 && response.status < 300;
    return { up, detail: `GET ${path} ${response.status}` };
  } catch (error) {
    return { up: false, detail: `GET ${path} ${describeFailure(error, timeoutMs)}` };
  }
}

/** A short reason a request failed, never a URL with credentials or a stack. */
export function describeFailure(error: unknown, timeoutMs: number): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  const code = cause?.code ?? '';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  return code ? `failed (${code})` : 'failed';
}
