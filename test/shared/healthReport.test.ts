import { describe, expect, it } from 'vitest';
import { parseConfig, type BreakerState } from '../../shared/index.ts';
import { healthReport } from '../../shared/healthReport.ts';

const config = parseConfig(
  JSON.stringify({
    global_priority: '3',
    routes: { task: { priority: '12' }, watch: { priority: '1' }, empty: { priority: '' } },
    providers: { '1': 'http://p1.test', '2': 'http://p2.test', '3': 'http://p3.test' },
  }),
  {},
);
const closed: BreakerState = { state: 'closed', consecutive_failures: 0 };
const open: BreakerState = { state: 'open', consecutive_failures: 3 };
const half: BreakerState = { state: 'half-open', consecutive_failures: 3 };

describe('Function: healthReport', () => {
  it.each([
    ['every breaker closed: only the empty order is degraded', {}, null, null, 503, ['empty']],
    ['provider 1 open: watch has nothing left', { '1': open }, null, null, 503, ['empty', 'watch']],
    ['provider 1 half-open: a trial may go, so it counts', { '1': half }, null, null, 503, ['empty']],
    ['provider 1 open but self serves it locally', { '1': open }, '1', 'local', 503, ['empty']],
    ['self without a local copy is skipped: watch has nothing', {}, '1', 'skip', 503, ['empty', 'watch']],
    ['the global order (*) is judged too', { '3': open }, null, null, 503, ['empty', '*']],
  ])('%s', (_what, states: Record<string, BreakerState>, self, mode, status, degraded) => {
    const report = healthReport({
      config,
      breaker: (id) => states[id] ?? closed,
      servesLocally: (_app, id) => mode === 'local' && id === self,
      isSkippedSelf: (_app, id) => mode === 'skip' && id === self,
      only: null,
    });
    expect(report.httpStatus).toBe(status);
    expect(report.status).toBe('degraded');
    expect(report.degradedApps.sort()).toEqual([...degraded].sort());
  });

  it.each([
    ['task', 200],
    ['watch', 503],
    ['unlisted-app', 200],
  ])('?app=%s narrows the verdict (provider 1 open)', (only, status) => {
    const report = healthReport({
      config,
      breaker: (id) => (id === '1' ? open : closed),
      servesLocally: () => false,
      isSkippedSelf: () => false,
      only,
    });
    expect(report.httpStatus).toBe(status);
  });

  it('is ok when every app has a usable provider', () => {
    const healthy = parseConfig(JSON.stringify({ routes: { task: { priority: '1' } }, providers: { '1': 'http://p1.test' } }), {});
    const report = healthReport({
      config: healthy,
      breaker: () => closed,
      servesLocally: () => false,
      isSkippedSelf: () => false,
      only: null,
    });
    expect(report).toEqual({ httpStatus: 200, status: 'ok', degradedApps: [] });
  });

  it('?app= of an app nothing routes (no global order) is degraded: it has nowhere to go', () => {
    const routesOnly = parseConfig(JSON.stringify({ routes: { task: { priority: '1' } }, providers: { '1': 'http://p1.test' } }), {});
    const report = healthReport({
      config: routesOnly,
      breaker: () => closed,
      servesLocally: () => false,
      isSkippedSelf: () => false,
      only: 'ghost',
    });
    expect(report).toEqual({ httpStatus: 503, status: 'degraded', degradedApps: ['ghost'] });
  });
});
