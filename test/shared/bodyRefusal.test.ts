import { describe, expect, it } from 'vitest';
import { BODY_BUSY_RETRY_AFTER_SECONDS, bodyLimits, bodyRefusal, processBodyBudget } from '../../shared/bodyRefusal.ts';
import { parseConfig } from '../../shared/index.ts';

const config = parseConfig(
  JSON.stringify({
    providers: { '1': 'http://one.test' },
    routes: { task: { priority: '1', max_body_bytes: 100 } },
    max_buffered_body_bytes: 1000,
    deadline_ms: 5000,
  }),
  {},
);
const settings = config.routes.get('task')!;

describe('Function: bodyRefusal (SPEC 3.0)', () => {
  it.each<[Parameters<typeof bodyRefusal>[0], number, Record<string, unknown>, [string, string][]]>([
    ['too-large', 413, { max_body_bytes: settings.maxBodyBytes }, []],
    ['busy', 503, { max_buffered_body_bytes: 1000 }, [['retry-after', String(BODY_BUSY_RETRY_AFTER_SECONDS)]]],
    ['timeout', 408, { deadline_ms: settings.deadlineMs }, [['connection', 'close']]],
    ['unreadable', 400, {}, []],
  ])('%s: answers %i with the limit concerned and its headers', (kind, status, extra, headers) => {
    const refusal = bodyRefusal(kind, settings, config);
    expect(refusal.status).toBe(status);
    expect(refusal.extra).toEqual(extra);
    expect(refusal.headers).toEqual(headers);
    expect(refusal.error).toMatch(/\S/);
  });
});

describe('Function: bodyLimits', () => {
  it.each<[string, Record<string, string>, number | null]>([
    ['a declared length', { 'content-length': ' 42 ' }, 42],
    ['no Content-Length', {}, null],
    ['a Content-Length that is not a number', { 'content-length': '4e2' }, null],
  ])('%s', (_name, headers, declared) => {
    const limits = bodyLimits(new Headers(headers), settings, config, 1234);
    expect(limits).toEqual({ maxBytes: settings.maxBodyBytes, declared, budget: processBodyBudget, budgetCap: 1000, timeoutMs: 1234 });
  });
});
