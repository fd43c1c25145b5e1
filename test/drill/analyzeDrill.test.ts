import { describe, expect, it } from 'vitest';
import { analyzeDrill, answerSource, formatDrillReport, percentile, pickDrillApp, type DrillReport } from '../../infra/drill/index.ts';
import type { AnalyzeInput } from '../../infra/drill/analyzeDrill.ts';
import type { DrillSample } from '../../infra/drill/trafficLoop.ts';

/** A sample answered by `provider` after the given attempts (Server-Timing style outcomes). */
function sample(
  seq: number,
  sentAt: number,
  provider: string | null,
  attempts: Array<[string, string, number?]> = [[provider ?? '?', '200']],
  extra: Partial<DrillSample> = {},
): DrillSample {
  return {
    seq,
    method: seq % 2 ? 'POST' : 'GET',
    sentAt,
    doneAt: sentAt + attempts.reduce((total, a) => total + (a[2] ?? 5), 0),
    status: 200,
    failure: null,
    provider,
    attempts: attempts.map(([p, outcome, ms]) => ({ provider: p, outcome, ms: ms ?? 5 })),
    ...extra,
  };
}

const base: Omit<AnalyzeInput, 'samples' | 'timeline'> = {
  dropped: 0,
  provider: '1',
  providerBase: 'http://127.0.0.1:4001',
  position: 0,
  router: 'http://127.0.0.1:8787',
  app: 'task',
  path: '/task/api/drill',
  mode: 'hang',
  disabler: 'stand-in',
  rate: 10,
  durationS: 3,
  breaker: { failures: 3, cooldownMs: 500 },
  timeoutMs: 300,
};

describe('Function: answerSource', () => {
  it('reads the answering provider from the router attempts only, not a provider Server-Timing that follows', () => {
    const headers = new Headers({
      'x-route-attempts': '2',
      'server-timing': 'p1;desc="1 timeout";dur=300.2, p2;desc="2 200";dur=4.1, p1;desc="9 200";dur=1',
      'x-backend-source': 'http://127.0.0.1:4002',
    });
    expect(answerSource(headers)).toEqual({
      attempts: [
        { provider: '1', outcome: 'timeout', ms: 300.2 },
        { provider: '2', outcome: '200', ms: 4.1 },
      ],
      provider: '2',
      cache: null,
    });
  });

  it('falls back to X-Backend-Source (a URL looked up among the providers) for a cached answer', () => {
    const headers = new Headers({ 'x-route-attempts': '0', 'x-cache': 'HIT', 'x-backend-source': 'http://127.0.0.1:4002' });
    expect(answerSource(headers, { '1': 'http://127.0.0.1:4001', '2': 'http://127.0.0.1:4002/' }).provider).toBe('2');
  });

  it('names no provider for a router-made error', () => {
    const headers = new Headers({ 'x-route-attempts': '1', 'server-timing': 'p1;desc="1 error";dur=1' });
    expect(answerSource(headers).provider).toBeNull();
  });
});

describe('Function: pickDrillApp', () => {
  it('prefers an app with a fallback after the provider, then the earliest place, then the unlisted app of global_priority', () => {
    const info = {
      providers: { '1': 'a', '2': 'b', '3': 'c' },
      apps: { task: { order: ['2', '1', '3'] }, watch: { order: ['1'] }, chat: { order: ['1', '2'] } },
      global_priority: '31',
    };
    expect(pickDrillApp(info, '1')).toEqual({ app: 'chat', order: ['1', '2'], position: 0 });
    expect(pickDrillApp({ ...info, apps: { task: info.apps.task, watch: info.apps.watch } }, '1')).toEqual({
      app: 'task',
      order: ['2', '1', '3'],
      position: 1,
    });
    expect(pickDrillApp(info, '3')).toEqual({ app: 'hadoku-drill', order: ['3', '1'], position: 0 });
    expect(pickDrillApp({ ...info, global_priority: '' }, '3')).toEqual({ app: 'task', order: ['2', '1', '3'], position: 2 });
    expect(pickDrillApp({ ...info, apps: {}, global_priority: '' }, '3')).toBeNull();
  });
});

describe('Function: analyzeDrill', () => {
  it('times phases from the disabler, measures the shift, the way back and the timeouts paid', () => {
    // Prepare: 1 answers until 1000 ms; two requests time out on 1 then go to 2; the breaker
    // skips 1; it answers again 100 ms after re-enabling.
    const samples = [
      sample(0, 0, '1'),
      sample(1, 500, '1'),
      sample(2, 1000, '2', [
        ['1', 'timeout', 300],
        ['2', '200'],
      ]),
      sample(3, 1100, '2', [
        ['1', 'timeout', 300],
        ['2', '200'],
      ]),
      sample(4, 1500, '2', [['2', '200']]),
      sample(5, 2050, '1'),
      sample(6, 2500, '1', [['1', '200']], { status: 503, failure: '5xx', method: 'GET' }),
    ];
    // Act
    const report = analyzeDrill({
      ...base,
      samples,
      timeline: { timing: 'known', disableAt: 1000, disabledAt: 1001, enableAt: 2000, enabledAt: 2002, endAt: 3000 },
    });
    // Assess
    expect(report.shift_ms).toBe(305);
    expect(report.breaker_open_ms).toBe(500);
    expect(report.back_ms).toBe(53);
    expect(report.moved_back).toBe(true);
    expect(report.timeouts_paid).toBe(2);
    expect(report.timeouts_allowed).toBe(3 + 3 + 3 + 1);
    expect(report.phases.before).toEqual({ sent: 2, failed: 0, p50: 5, p99: 5, by_provider: { '1': 2 } });
    expect(report.phases.during.by_provider).toEqual({ '2': 3 });
    expect(report).toMatchObject({
      sent: 7,
      failed: 1,
      failed_idempotent: 1,
      failed_by_kind: { '5xx': 1, timeout: 0 },
      failed_by_method: { GET: 1 },
    });
  });

  it('infers the phases from the answers when the disabler only observes (CI, --manual)', () => {
    const samples = [
      sample(0, 0, '1'),
      sample(1, 400, '2', [
        ['1', '503'],
        ['2', '200'],
      ]),
      sample(2, 800, '2', [['2', '200']]),
      sample(3, 1200, '1'),
    ];
    const report = analyzeDrill({
      ...base,
      samples,
      timeline: { timing: 'observed', disableAt: null, disabledAt: null, enableAt: null, enabledAt: null, endAt: 1500 },
    });
    expect(report.timeline).toMatchObject({ timing: 'observed', disable_at_ms: 400, enable_at_ms: 1200 });
    expect(report.phases.during.sent).toBe(2);
    expect(report.shift_ms).toBe(10);
    expect(report.moved_back).toBe(true);
    expect(report.back_ms).toBeNull();
  });

  it('says so when the provider never came back', () => {
    const samples = [
      sample(0, 0, '1'),
      sample(1, 1500, '2', [
        ['1', 'error'],
        ['2', '200'],
      ]),
      sample(2, 2500, '2', [['2', '200']]),
    ];
    const report = analyzeDrill({
      ...base,
      samples,
      timeline: { timing: 'known', disableAt: 1000, disabledAt: 1000, enableAt: 2000, enabledAt: 2000, endAt: 3000 },
    });
    expect(report.moved_back).toBe(false);
    expect(report.notes).toContain('provider 1 answered nothing after it was re-enabled: make the drill longer than the breaker cooldown');
  });
});

describe('Function: percentile', () => {
  it('is nearest-rank', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('Function: formatDrillReport', () => {
  it('renders a table per phase and a verdict', () => {
    const samples = [
      sample(0, 0, '1'),
      sample(1, 1500, '2', [
        ['1', 'error'],
        ['2', '200'],
      ]),
      sample(2, 2500, '1'),
    ];
    const report: DrillReport = analyzeDrill({
      ...base,
      samples,
      timeline: { timing: 'known', disableAt: 1000, disabledAt: 1000, enableAt: 2000, enabledAt: 2000, endAt: 3000 },
    });
    const text = formatDrillReport(report);
    expect(text).toMatch(/^ {2}phase +window +sent +failed +p50 ms +p99 ms +answered by$/m);
    expect(text).toMatch(/^ {2}during +1\.0-2\.0 s +1 +0 +10\.0 +10\.0 +2:1$/m);
    expect(text).toMatch(/^PASS: no failed idempotent request$/m);
  });
});

describe('Function: standinDisabler', () => {
  it('refuses a provider that is not on loopback without contacting it', async () => {
    const { standinDisabler } = await import('../../infra/drill/index.ts');
    const check = standinDisabler().check!({
      provider: '2',
      base: 'https://worker.example.com',
      mode: 'refuse',
      holdMs: 1000,
      log: () => undefined,
    });
    await expect(check).rejects.toThrow(
      "drill: provider '2' is https://worker.example.com, not a local stand-in; for a deployed stack use --disable-cmd/--enable-cmd or --manual",
    );
  });
});
