import { describe, expect, it } from 'vitest';
import {
  analyzeDrill,
  answerSource,
  attemptsPerRequest,
  formatDrillReport,
  hedgingOf,
  percentile,
  phaseStats,
  pickDrillApp,
  wasHedged,
  type DrillReport,
} from '../../infra/drill/index.ts';
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
    attemptCount: attempts.length,
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
      attemptCount: 2,
      provider: '2',
      cache: null,
    });
  });

  it.each<{ name: string; headers: Record<string, string>; count: number | null }>([
    {
      name: 'X-Route-Attempts wins over the Server-Timing entries',
      headers: { 'x-route-attempts': '2', 'server-timing': 'p1;desc="2 200";dur=1' },
      count: 2,
    },
    { name: 'without X-Route-Attempts, the Server-Timing entries count', headers: { 'server-timing': 'p1;desc="1 200";dur=1' }, count: 1 },
    { name: 'a cached answer made no attempt', headers: { 'x-route-attempts': '0', 'x-cache': 'HIT' }, count: 0 },
    { name: 'an answer that says neither', headers: {}, count: null },
    { name: 'a malformed X-Route-Attempts, no Server-Timing', headers: { 'x-route-attempts': 'two' }, count: null },
  ])('attemptCount: $name', ({ headers, count }) => {
    expect(answerSource(new Headers(headers)).attemptCount).toBe(count);
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
    expect(report.phases.before).toEqual({
      sent: 2,
      failed: 0,
      p50: 5,
      p99: 5,
      attempts_per_request: 1,
      hedged: 0,
      by_provider: { '1': 2 },
    });
    expect(report.phases.during.attempts_per_request).toBe(1.67);
    expect(report.hedging).toEqual({ after_ms: null, source: 'unknown' });
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

// Issue 15: what a hedged answer carries (test/conformance/scenarios/hedging.ts): both attempts in
// Server-Timing and X-Route-Attempts, the race loser as `aborted`.
describe('Function: wasHedged', () => {
  it.each<[string, Array<[string, string, number?]>, Partial<DrillSample>, boolean]>([
    ['one attempt', [['1', '200', 4]], {}, false],
    [
      'the primary lost the race (aborted), the hedge answered',
      [
        ['1', 'aborted', 100],
        ['2', '200', 4],
      ],
      { doneAt: 106 },
      true,
    ],
    [
      'the primary won, the hedge was aborted',
      [
        ['1', '200', 140],
        ['2', 'aborted', 40],
      ],
      { doneAt: 142 },
      true,
    ],
    [
      'a fallback after a timeout: one after the other',
      [
        ['1', 'timeout', 300],
        ['2', '200', 4],
      ],
      { doneAt: 306 },
      false,
    ],
    [
      'both lost, overlapping (their durations exceed the request)',
      [
        ['1', 'timeout', 300],
        ['2', '503', 250],
      ],
      { doneAt: 310 },
      true,
    ],
    [
      'sequential within rounding (0.1 ms each)',
      [
        ['1', '503', 5.05],
        ['2', '200', 5.05],
      ],
      { doneAt: 10 },
      false,
    ],
    [
      'no answer: an aborted attempt alone proves nothing',
      [
        ['1', 'aborted', 100],
        ['2', 'aborted', 1],
      ],
      { status: null, doneAt: 120 },
      false,
    ],
  ])('%s -> %s', (_name, attempts, extra, hedged) => {
    // Prepare
    const s = { ...sample(0, 0, '2', attempts), ...extra };
    // Act + Assess
    expect(wasHedged(s)).toBe(hedged);
  });
});

describe('Function: attemptsPerRequest', () => {
  it.each<[string, Array<number | null>, number | null]>([
    ['every answer from the first try', [1, 1, 1], 1],
    ['one hedge in four', [1, 2, 1, 1], 1.25],
    ['answers that do not say are left out', [2, null, null], 2],
    ['a cached answer counts zero attempts', [0, 1], 0.5],
    ['nothing said', [null], null],
    ['no requests', [], null],
    ['two decimals', [1, 1, 2], 1.33],
  ])('%s', (_name, counts, mean) => {
    expect(attemptsPerRequest(counts.map((attemptCount) => ({ attemptCount })))).toBe(mean);
  });
});

describe('Function: phaseStats', () => {
  it('counts hedged answers and attempts per request beside p50/p99', () => {
    // Prepare: two plain answers from 1, two hedged (1 aborted after 100 ms, 2 answered)
    const hedged: Array<[string, string, number?]> = [
      ['1', 'aborted', 100],
      ['2', '200', 4],
    ];
    const samples = [sample(0, 0, '1'), sample(1, 10, '1'), sample(2, 20, '2', hedged), sample(3, 30, '2', hedged)];
    // Act
    const stats = phaseStats(samples);
    // Assess
    expect(stats).toEqual({ sent: 4, failed: 0, p50: 5, p99: 104, attempts_per_request: 1.5, hedged: 2, by_provider: { '1': 2, '2': 2 } });
    expect(phaseStats([])).toMatchObject({ sent: 0, p50: null, p99: null, attempts_per_request: null, hedged: 0 });
  });
});

describe('Function: hedgingOf', () => {
  const info = { providers: { '1': 'a', '2': 'b' }, apps: { task: { order: ['1', '2'] } }, global_priority: '12' };
  it.each<[string, Parameters<typeof hedgingOf>[0], ((app: string) => number | 'auto' | null) | undefined, unknown]>([
    ['the router shows nothing, no --config', info, undefined, { after_ms: null, source: 'unknown' }],
    ['the router shows nothing, --config sets 100', info, () => 100, { after_ms: 100, source: 'config' }],
    ['the router shows nothing, --config leaves it off', info, () => null, { after_ms: null, source: 'config' }],
    ['the router shows a top-level 150', { ...info, hedge_after_ms: 150 }, () => null, { after_ms: 150, source: 'router' }],
    [
      'the router shows the app off',
      { ...info, apps: { task: { order: ['1'], hedge_after_ms: null } } },
      () => 100,
      { after_ms: null, source: 'router' },
    ],
    ['the app inherits the top-level auto', { ...info, hedge_after_ms: 'auto' }, undefined, { after_ms: 'auto', source: 'router' }],
    [
      'a value the router could not mean is not trusted',
      { ...info, hedge_after_ms: 'soon' },
      () => 100,
      { after_ms: 100, source: 'config' },
    ],
  ])('%s', (_name, routeInfo, fromConfig, expected) => {
    expect(hedgingOf(routeInfo, 'task', fromConfig)).toEqual(expected);
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
    expect(text).toMatch(/^ {2}phase +window +sent +failed +p50 ms +p99 ms +att\/req +hedged +answered by$/m);
    expect(text).toMatch(/^ {2}during +1\.0-2\.0 s +1 +0 +10\.0 +10\.0 +2\.00 +0 +2:1$/m);
    expect(text).toMatch(/^ {2}hedging +unknown \(the router does not show hedge_after_ms; give --config\)$/m);
    expect(text).toMatch(/^PASS: no failed idempotent request$/m);
    expect(formatDrillReport({ ...report, hedging: { after_ms: 100, source: 'config' } })).toMatch(
      /^ {2}hedging +on: hedge_after_ms 100 \(from --config\)$/m,
    );
    expect(formatDrillReport({ ...report, hedging: { after_ms: null, source: 'router' } })).toMatch(
      /^ {2}hedging +off \(from the router's \/_config\/route\)$/m,
    );
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
