import type { DrillReport, PhaseStats } from './drillReport.ts';

/**
 * Renders a drill report for a terminal: one line of setup, a table per phase (sent, failed,
 * p50/p99, attempts per request, hedged answers, who answered), then whether the router hedges,
 * failures by kind, how fast traffic moved off and back, the timeouts paid, and a verdict line. `--json` prints the report object itself instead.
 *
 * @example
 * console.log(formatDrillReport(await runDrill(options)));
 */
export function formatDrillReport(report: DrillReport): string {
  const t = report.timeline;
  const s = (ms: number | null): string => (ms === null ? '?' : (ms / 1000).toFixed(1));
  const windows = {
    before: `0.0-${s(t.disable_at_ms ?? t.end_ms)} s`,
    during:
      t.disable_at_ms === null
        ? '-'
        : `${s(t.disable_at_ms)}-${s(t.enable_at_ms === null ? t.end_ms : t.enable_at_ms + (t.enable_took_ms ?? 0))} s`,
    after: t.enable_at_ms === null ? '-' : `${s(t.enable_at_ms + (t.enable_took_ms ?? 0))}-${s(t.end_ms)} s`,
  };
  const rows: string[][] = [['phase', 'window', 'sent', 'failed', 'p50 ms', 'p99 ms', 'att/req', 'hedged', 'answered by']];
  for (const name of ['before', 'during', 'after'] as const) rows.push(phaseRow(name, windows[name], report.phases[name]));
  rows.push(['total', '', String(report.sent), String(report.failed), '', '', '', '', '']);

  const k = report.failed_by_kind;
  const moved = report.shift_ms === null ? 'did not move off' : `moved off in ${report.shift_ms} ms`;
  const breaker = report.breaker_open_ms === null ? '' : ` (router skipped it from +${report.breaker_open_ms} ms)`;
  const back = report.moved_back ? `back ${report.back_ms === null ? '' : `${report.back_ms} ms `}after re-enable` : 'did NOT come back';
  const allowed = report.timeouts_allowed === null ? '' : ` (the breaker allows ${report.timeouts_allowed})`;
  const verdict =
    report.failed_idempotent === 0 && report.sent > 0
      ? `PASS: no failed idempotent request${report.failed > 0 ? ` (${report.failed} non-idempotent failed)` : ''}`
      : `FAIL: ${report.failed_idempotent} idempotent request(s) failed`;
  return [
    `Drill: provider ${report.provider} (${report.provider_base}) ${report.mode} via ${report.disabler}, ${report.rate} req/s for ${report.duration_s} s`,
    `  through ${report.router}${report.path}`,
    '',
    ...table(rows).map((line) => `  ${line}`),
    '',
    `  hedging         ${hedgingLine(report.hedging)}`,
    `  failed by kind  timeout ${k.timeout}, 5xx ${k['5xx']}, 4xx ${k['4xx']}, connection ${k.connection}; idempotent ${report.failed_idempotent}${report.dropped ? `; not sent ${report.dropped}` : ''}`,
    `  traffic         ${moved}${breaker}; ${back}${t.timing === 'observed' ? ' (timing observed)' : ''}`,
    `  timeouts paid   ${report.timeouts_paid}${allowed}`,
    ...report.notes.map((note) => `  note: ${note}`),
    '',
    verdict,
  ].join('\n');
}

/** `on (hedge_after_ms 100, from the router)`, `off (from --config)`, `unknown (...)`. */
function hedgingLine(hedging: DrillReport['hedging']): string {
  const from = hedging.source === 'router' ? "the router's /_config/route" : '--config';
  if (hedging.source === 'unknown') return 'unknown (the router does not show hedge_after_ms; give --config)';
  return hedging.after_ms === null ? `off (from ${from})` : `on: hedge_after_ms ${hedging.after_ms} (from ${from})`;
}

function phaseRow(name: string, window: string, p: PhaseStats): string[] {
  const answered = Object.entries(p.by_provider)
    .sort((a, b) => b[1] - a[1])
    .map(([id, n]) => `${id}:${n}`)
    .join(' ');
  return [
    name,
    window,
    String(p.sent),
    String(p.failed),
    p.p50 === null ? '-' : p.p50.toFixed(1),
    p.p99 === null ? '-' : p.p99.toFixed(1),
    p.attempts_per_request === null ? '-' : p.attempts_per_request.toFixed(2),
    String(p.hedged),
    answered || '-',
  ];
}

/** Left-aligns text columns, right-aligns numeric ones. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const numeric = [false, false, true, true, true, true, true, true, false];
  return rows.map((r) =>
    r
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}
