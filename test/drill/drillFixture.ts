/**
 * The drill tests' config: the repository's shape (providers named by variable, `task` tried
 * 1 -> 2 -> 3) with a short attempt timeout and breaker cooldown, so a hanging provider costs
 * 600 ms per timed-out attempt and traffic returns about a second after re-enabling. Not shorter: a
 * loaded 2-core machine (test files run four at a time) takes several hundred ms to answer at all.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { DrillOptions } from '../../infra/drill/index.ts';

export const TIMEOUT_MS = 600;
export const BREAKER = { failures: 3, cooldownMs: 1000 };

/** Drill settings shared by the acceptance tests: bounded, ~6 s each. */
export const DRILL = { rate: 40, durationS: 6 } as const;

/** Writes `config` as route-config.json into a fresh temp dir named with `prefix`; returns its path. */
export function writeTempConfig(prefix: string, config: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), prefix)), 'route-config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/**
 * Writes the test config into a fresh temp dir and returns its path.
 * @param timeoutMs - `timeout_ms`. @default TIMEOUT_MS
 */
export function writeDrillConfig(timeoutMs: number = TIMEOUT_MS): string {
  return writeTempConfig('hadoku-drill-', {
    global_priority: '12',
    routes: { task: { priority: '123' }, watchparty: { priority: '1', cache: true } },
    providers: { '1': '${LOCAL_BASE}', '2': '${WORKER_BASE}', '3': '${LAMBDA_BASE}' },
    timeout_ms: timeoutMs,
    deadline_ms: 5000,
    breaker: { failures: BREAKER.failures, cooldown_ms: BREAKER.cooldownMs },
  });
}

/** A writable that keeps every frame written to it, as a terminal (`isTTY`) or a pipe. */
export function frameSink(isTTY: boolean): { out: Writable & { isTTY: boolean }; frames: string[] } {
  const frames: string[] = [];
  const sink = new Writable({
    write: (chunk, _encoding, done) => {
      frames.push(String(chunk));
      done();
    },
  });
  return { out: Object.assign(sink, { isTTY }), frames };
}

/** The router settings the report judges `moved_back` and `timeouts_allowed` by. */
export const ROUTER_SETTINGS: Pick<DrillOptions, 'breaker' | 'timeoutMs'> = { breaker: BREAKER, timeoutMs: TIMEOUT_MS };
