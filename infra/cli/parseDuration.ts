import { UsageError } from '../kit/errors.ts';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)?$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000 } as const;

/**
 * Reads a duration flag: a number with `ms`, `s` or `m`, a bare number being seconds.
 *
 * @example
 * parseDuration('flip', '--watch', '60s', { minMs: 1000, maxMs: 3_600_000 }) // 60000
 * parseDuration('flip', '--probe-timeout', '500ms', { minMs: 100, maxMs: 30_000 }) // 500
 * @throws {UsageError} naming the flag, the accepted range and what was given
 */
export function parseDuration(command: string, flag: string, value: string, range: { minMs: number; maxMs: number }): number {
  const match = DURATION.exec(value.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[(match[2] ?? 's') as keyof typeof UNIT_MS] : Number.NaN;
  if (!Number.isFinite(ms) || ms < range.minMs || ms > range.maxMs) {
    const bounds = `from ${range.minMs} ms to ${range.maxMs / 1000} s`;
    const got = JSON.stringify(value);
    throw new UsageError(`${command}: ${flag} must be a duration ${bounds}, e.g. 60s, 500ms, 2m (got ${got})`, { command });
  }
  return Math.round(ms);
}
