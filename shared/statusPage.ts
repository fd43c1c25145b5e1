import type { RecentRequest } from './recentRequests.ts';
import type { SharedHealthView } from './sharedHealthView.ts';
import type { StatusApp, StatusProvider, StatusSnapshot } from './statusSnapshot.ts';
import type { AttemptRecord } from './types.ts';

/** Seconds between two refreshes of the page (a meta refresh: no JavaScript needed). */
export const STATUS_REFRESH_SECONDS = 2;

/**
 * Escapes text for HTML element content and quoted attribute values. Every value the page shows
 * goes through it: app names, paths, methods, provider URLs and `last_error` come from config
 * files and clients.
 *
 * @example
 * escapeHtml('<b title="x">&\'</b>'); // '&lt;b title=&quot;x&quot;&gt;&amp;&#39;&lt;/b&gt;'
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITY[c]!);
}

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// Small and inline: the page has no external assets (the CSP below forbids them).
const STYLE =
  'body{font:14px/1.4 system-ui,sans-serif;margin:1em;color:#222}table{border-collapse:collapse;margin:.3em 0 1em}' +
  'th,td{border:1px solid #ccc;padding:2px 6px;text-align:left}th{background:#f3f3f3}code{font-size:13px}' +
  '.open,.bad{background:#fdd;color:#900}.half-open{background:#ffd}.closed{background:#dfd}s{color:#999}' +
  '.muted{color:#777}';

/**
 * The status page: one self-contained HTML document (inline style, no script, no external asset)
 * that refreshes itself every {@link STATUS_REFRESH_SECONDS} seconds. Pure: same snapshot, same page.
 *
 * @example
 * const html = statusPage(statusSnapshot(source, config));
 * new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } });
 */
export function statusPage(s: StatusSnapshot): string {
  const who = `${s.runtime ?? 'router'}${s.self ? `, provider ${s.self}` : ''}`;
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="refresh" content="${STATUS_REFRESH_SECONDS}"><meta name="viewport" content="width=device-width">` +
    `<link rel="icon" href="data:,"><title>hadoku-route status: ${escapeHtml(who)}</title><style>${STYLE}</style></head><body>` +
    `<h1>hadoku-route status <small class="muted">${escapeHtml(who)}</small></h1>` +
    (s.drain ? '<p class="bad">Drained (ROUTE_DRAIN): every routed request answers 503.</p>' : '') +
    configSection(s) +
    `<h2>Apps</h2>${table(['app', 'order', 'from', 'tried now'], s.apps.map(appRow(s.providers)))}` +
    `<h2>Providers</h2>${sharedLine(s.shared)}${table(PROVIDER_HEADINGS, s.providers.map(providerRow(s.shared)))}` +
    `<h2>Last ${s.recent.length} routed requests</h2>` +
    (s.recent.length ? table(RECENT_HEADINGS, s.recent.map(recentRow)) : '<p class="muted">none yet</p>') +
    `<p class="muted">Generated ${escapeHtml(s.generated_at)}; refreshes every ${STATUS_REFRESH_SECONDS} s. ` +
    'Counters are this instance&#39;s since it started. Same data as JSON: <code>?format=json</code>.</p></body></html>'
  );
}

function configSection(s: StatusSnapshot): string {
  const c = s.config;
  const error = c.last_error === null ? 'none' : `<span class="bad" id="last-error">${escapeHtml(c.last_error)}</span>`;
  return (
    `<p>Config from <b>${escapeHtml(c.source)}</b>, version <code>${escapeHtml(c.version ?? 'none')}</code>, ` +
    `last reload ${escapeHtml(c.loaded_at ?? 'never')}. last_error: ${error}</p>`
  );
}

const appRow =
  (providers: StatusProvider[]) =>
  (a: StatusApp): string[] => {
    const open = new Set(providers.filter((p) => p.state === 'open').map((p) => p.id));
    const order = a.order.map((id) => (open.has(id) ? `<s title="breaker open">${escapeHtml(id)}</s>` : escapeHtml(id))).join(' ');
    const name = a.app === '*' ? '<i>any other app</i> (global_priority)' : escapeHtml(a.app);
    return [name, order || '<span class="bad">none</span>', escapeHtml(a.priority_source), escapeHtml(a.tried_now.join(' '))];
  };

const PROVIDER_HEADINGS = ['id', 'base', 'breaker', 'failures in a row', 'answers', 'fallbacks', 'timeouts', 'errors', 'shared health'];

/** Where the shared health column comes from: the prober and its time, or why it is ignored. */
function sharedLine(shared: SharedHealthView): string {
  if ('ignored' in shared) return `<p class="muted">Shared health document ignored: ${escapeHtml(shared.ignored)}</p>`;
  return `<p class="muted">Shared health from ${escapeHtml(shared.by)}, checked ${escapeHtml(shared.checked_at)} (advice only).</p>`;
}

const providerRow =
  (shared: SharedHealthView) =>
  (p: StatusProvider): string[] => {
    const self = p.self ? ` <span class="muted">(self, ${p.self})</span>` : '';
    return [
      `<span id="provider-${escapeHtml(p.id)}">${escapeHtml(p.id)}</span>${self}`,
      `<code>${escapeHtml(p.base)}</code>`,
      `<span class="${p.state}" data-state="${p.state}">${p.state}</span>`,
      ...[p.consecutive_failures, p.answers, p.fallbacks, p.timeouts, p.errors].map(String),
      sharedCell(shared, p),
    ];
  };

/** The other instances' view of one provider, as the shared health document has it. */
function sharedCell(shared: SharedHealthView, p: StatusProvider): string {
  if ('ignored' in shared) return `<span class="muted" data-shared="ignored" title="${escapeHtml(shared.ignored)}">ignored</span>`;
  if (p.shared === null) return '<span class="muted" data-shared="none">not probed</span>';
  if (p.shared.up) return '<span class="closed" data-shared="up">up</span>';
  const reason = p.shared.reason === undefined ? '' : ` (${escapeHtml(p.shared.reason)})`;
  return `<span class="open" data-shared="down">down${reason}</span>`;
}

const RECENT_HEADINGS = ['time', 'method', 'path', 'status', 'by', 'attempts', 'ms'];

function recentRow(r: RecentRequest): string[] {
  return [
    escapeHtml(r.time.slice(11, 23)),
    escapeHtml(r.method),
    `<code>${escapeHtml(r.path)}</code>`,
    `<span class="${r.status >= 500 ? 'bad' : ''}">${r.status}</span>${r.cache ? ` ${r.cache}` : ''}`,
    r.provider === null ? '<span class="muted">router</span>' : escapeHtml(r.provider),
    r.attempts.map(attemptText).join(', ') || '<span class="muted">none</span>',
    String(r.ms),
  ];
}

function attemptText(a: AttemptRecord): string {
  const outcome = a.outcome === 'status' ? String(a.status) : a.outcome;
  return `${escapeHtml(a.provider)}${a.local ? ' (in-process)' : ''} ${escapeHtml(outcome)} ${a.ms} ms`;
}

function table(headings: string[], rows: string[][]): string {
  const head = `<tr>${headings.map((h) => `<th>${h}</th>`).join('')}</tr>`;
  return `<table>${head}${rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table>`;
}
