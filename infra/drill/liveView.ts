import { answerSource } from './answerSource.ts';
import { connectionReason } from './routeInfo.ts';

/** A router shown as a column of the live view. */
export interface LiveViewRouter {
  name: string;
  url: string;
}

/** Options of {@link liveView}. */
export interface LiveViewOptions {
  /** Time between refreshes. @default 1000 */
  intervalMs?: number;
  /** Where frames go. On a TTY each frame replaces the last; otherwise a frame is printed only when it changed. @default process.stdout */
  out?: { write(text: string): unknown; isTTY?: boolean };
  /** Lines kept above the grid on a TTY (e.g. the topology table). */
  header?: readonly string[];
  /** id -> base URL, to read a URL-valued `X-Backend-Source`. */
  providers?: Readonly<Record<string, string>>;
  /** Per probe request. @default 2000 */
  requestTimeoutMs?: number;
}

/** A running live view. */
export interface LiveView {
  /** Probes every app through every router now and returns the rendered grid (also written to `out`). */
  refresh(): Promise<string>;
  /** Stops refreshing; resolves once the probe in progress is done. */
  stop(): Promise<void>;
}

const CLEAR = '\x1b[H\x1b[2J';

/**
 * A refreshing view of which provider answers each app through each router: every `intervalMs`
 * it sends `GET /<app>/api/` through every router and reads who answered (`Server-Timing`,
 * `X-Backend-Source`). A cell reads `1` (provider 1 answered), `2 (1: 503)` (provider 1 failed
 * with 503, 2 answered), or the router's own error. Probes to one router run one after another
 * and every probe has a timeout, so a view never piles up requests.
 *
 * @example
 * const view = liveView(topology.routers, ['task', 'watchparty'], { intervalMs: 1000, header: topology.table().split('\n') });
 * process.once('SIGINT', () => void view.stop());
 */
export function liveView(routers: readonly LiveViewRouter[], apps: readonly string[], options: LiveViewOptions = {}): LiveView {
  const out = options.out ?? process.stdout;
  const intervalMs = Math.max(100, options.intervalMs ?? 1000);
  const tty = out.isTTY === true;
  let last = '';
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<string> | undefined;

  const refresh = (): Promise<string> => {
    current ??= render(routers, apps, options).then((grid) => {
      current = undefined;
      const head = options.header?.length ? `${options.header.join('\n')}\n\n` : '';
      if (tty) out.write(`${CLEAR}${head}${stamp()} (every ${intervalMs} ms, Ctrl-C to stop)\n${grid}\n`);
      else if (grid !== last) out.write(`${stamp()}\n${grid}\n`);
      last = grid;
      return grid;
    });
    return current;
  };
  const tick = (): void => {
    void refresh().finally(() => {
      if (!stopped) timer = setTimeout(tick, intervalMs);
    });
  };
  tick();
  return {
    refresh,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current?.catch(() => undefined);
    },
  };
}

function stamp(): string {
  return `which provider answers, ${new Date().toISOString().slice(11, 19)} UTC`;
}

async function render(routers: readonly LiveViewRouter[], apps: readonly string[], options: LiveViewOptions): Promise<string> {
  const columns = await Promise.all(
    routers.map(async (router) => {
      const cells: string[] = [];
      for (const app of apps) cells.push(await probe(router.url, app, options));
      return cells;
    }),
  );
  const rows = [['app', ...routers.map((r) => r.name)], ...apps.map((app, i) => [app, ...columns.map((c) => c[i]!)])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('   ').trimEnd()).join('\n');
}

/** One probe: who answered `GET /<app>/api/` through this router. */
async function probe(router: string, app: string, options: LiveViewOptions): Promise<string> {
  try {
    const response = await fetch(`${router}/${app}/api/`, { signal: AbortSignal.timeout(options.requestTimeoutMs ?? 2000), redirect: 'manual' });
    await response.arrayBuffer();
    const source = answerSource(response.headers, options.providers);
    const failed = source.attempts.slice(0, -1).map((a) => `${a.provider}: ${a.outcome}`);
    const cache = source.cache === 'HIT' || source.cache === 'STALE' ? ` ${source.cache.toLowerCase()}` : '';
    if (source.provider === null || response.status >= 500) {
      return `${response.status} none${source.attempts.length ? ` (${source.attempts.map((a) => `${a.provider}: ${a.outcome}`).join(', ')})` : ''}`;
    }
    return `${source.provider}${cache}${failed.length ? ` (${failed.join(', ')})` : ''}`;
  } catch (error) {
    return `down: ${(error as Error).name === 'TimeoutError' ? 'no answer' : connectionReason(error)}`;
  }
}
