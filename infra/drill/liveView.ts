import { DEFAULTS } from '../../shared/index.ts';
import { probeCell } from './probeCell.ts';

/** A router shown as a column of the live view. */
export interface LiveViewRouter {
  name: string;
  url: string;
}

/** Options of {@link liveView}. */
export interface LiveViewOptions {
  /** Pause between two probes of one cell. @default 1000 */
  intervalMs?: number;
  /** Where frames go. On a TTY each frame replaces the last; otherwise a frame is printed only when it changed. @default process.stdout */
  out?: { write(text: string): unknown; isTTY?: boolean };
  /** Lines kept above the grid on a TTY (e.g. the topology table); a function is asked on every frame. */
  header?: readonly string[] | (() => readonly string[]);
  /** id -> base URL, to read a URL-valued `X-Backend-Source`. */
  providers?: Readonly<Record<string, string>>;
  /**
   * How long a probe waits for a router. Keep it beyond the routers' `deadline_ms`: the view must
   * never give up before the router does. @default DEFAULTS.deadline_ms + 1000
   */
  requestTimeoutMs?: number;
}

/** A running live view. */
export interface LiveView {
  /** Probes every cell now (joining a probe already in flight) and returns the rendered grid (also written to `out`). */
  refresh(): Promise<string>;
  /** Stops probing (cancelling probes in flight) and resolves once they have ended. */
  stop(): Promise<void>;
}

const CLEAR = '\x1b[H\x1b[2J';
const PENDING = '...';

interface Cell {
  router: LiveViewRouter;
  app: string;
  text: string;
  inFlight?: Promise<void>;
  timer?: NodeJS.Timeout;
}

/**
 * A live grid of what a client gets for each app through each router: every cell sends
 * `GET /<app>/api/` through its router, reads who answered (`Server-Timing`, `X-Backend-Source`),
 * waits `intervalMs`, and asks again. Each cell has at most one probe in flight and waits for the
 * router's own verdict (a fallback after a 2.5 s timeout shows as `1 (2: timeout) 2.5 s`, not as
 * "down"), so a hanging provider delays only its own cells, the view never piles up requests, and
 * the router sees the view as one more patient client: its breaker counts the view's timed-out
 * attempts exactly as it counts anyone's.
 *
 * @example
 * const view = liveView(topology.routers, ['task', 'watchparty'], { intervalMs: 1000, header: () => topology.table().split('\n') });
 * process.once('SIGINT', () => void view.stop());
 */
export function liveView(routers: readonly LiveViewRouter[], apps: readonly string[], options: LiveViewOptions = {}): LiveView {
  const out = options.out ?? process.stdout;
  const intervalMs = Math.max(100, options.intervalMs ?? 1000);
  const timeoutMs = options.requestTimeoutMs ?? DEFAULTS.deadline_ms + 1000;
  const tty = out.isTTY === true;
  const stopping = new AbortController();
  const cells: Cell[] = routers.flatMap((router) => apps.map((app) => ({ router, app, text: PENDING })));
  let last = '';

  const render = (force: boolean): string => {
    const grid = formatGrid(routers, apps, cells);
    // Nothing is printed until every cell has its first answer: a half-empty grid says nothing.
    if (cells.some((c) => c.text === PENDING) || stopping.signal.aborted) return grid;
    const header = typeof options.header === 'function' ? options.header() : options.header;
    const head = header?.length ? `${header.join('\n')}\n\n` : '';
    if (tty && (force || grid !== last)) out.write(`${CLEAR}${head}${stamp()} (every ${intervalMs} ms, Ctrl-C to stop)\n${grid}\n`);
    else if (!tty && grid !== last) out.write(`${stamp()}\n${grid}\n`);
    last = grid;
    return grid;
  };
  const probe = (cell: Cell): Promise<void> => {
    clearTimeout(cell.timer);
    if (cell.inFlight) return cell.inFlight;
    const asked = probeCell(cell.router.url, cell.app, { providers: options.providers, timeoutMs, signal: stopping.signal });
    cell.inFlight = asked.then((text) => {
      cell.inFlight = undefined;
      if (stopping.signal.aborted) return;
      cell.text = text;
      render(false);
      cell.timer = setTimeout(() => void probe(cell), intervalMs);
    });
    return cell.inFlight;
  };
  for (const cell of cells) void probe(cell);
  // On a terminal the clock moves even when no answer changes.
  const ticker = tty ? setInterval(() => render(true), intervalMs) : undefined;

  return {
    async refresh() {
      await Promise.all(cells.map(probe));
      return render(true);
    },
    async stop() {
      stopping.abort();
      clearInterval(ticker);
      for (const cell of cells) clearTimeout(cell.timer);
      await Promise.all(cells.map((c) => c.inFlight));
    },
  };
}

function stamp(): string {
  return `which provider answers, ${new Date().toISOString().slice(11, 19)} UTC`;
}

function formatGrid(routers: readonly LiveViewRouter[], apps: readonly string[], cells: readonly Cell[]): string {
  const text = (router: LiveViewRouter, app: string): string => cells.find((c) => c.router === router && c.app === app)!.text;
  const rows = [['app', ...routers.map((r) => r.name)], ...apps.map((app) => [app, ...routers.map((r) => text(r, app))])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}
