/**
 * What every conformance scenario works with: the router under test (a `serve` process), four
 * programmable providers, one server that must never be reached, and a refused port; plus the
 * config builder and the assertions the scenarios share.
 */
import { expect } from 'vitest';
import type { RouterProcess, RuntimeName } from '../support/routerProcess.ts';
import type { Upstream } from '../support/upstream.ts';
import type { Answer, SendOptions } from './client.ts';

/** The servers a scenario may put in a config, started once per test file. */
export interface Upstreams {
  /** Providers. */
  a: Upstream;
  b: Upstream;
  c: Upstream;
  d: Upstream;
  /** Never a provider: any request it records is a request to another origin (SSRF, redirect followed). */
  evil: Upstream;
  /** `http://127.0.0.1:<port>` with nothing listening: connections are refused. */
  refused: string;
}

/** A scenario's view of the router under test and its providers. */
export interface World extends Upstreams {
  runtime: RuntimeName;
  router: RouterProcess;
  /** `http://127.0.0.1:<port>` of the router. */
  baseUrl: string;
  /** `127.0.0.1:<port>`, the Host the router is reached at. */
  routerHost: string;
  /** Sends a request to the router, the target verbatim. */
  send(target: string, options?: SendOptions): Promise<Answer>;
}

/** One row of the conformance table. */
export interface Scenario {
  /** What must hold, as a sentence. */
  name: string;
  /** SPEC.md clause, e.g. `'3.5'`. */
  spec: string;
  /** The route config the router must serve for this scenario. */
  config(w: World): object;
  /**
   * Extra environment for the router process. A scenario with `env` gets a router process of its
   * own (shared with scenarios whose env is identical), since env is read at process start.
   */
  env?(u: Upstreams): Record<string, string>;
  /** Sets provider behaviour before `run` (upstreams are reset before every scenario). */
  setup?(w: World): void | Promise<void>;
  /** Sends requests and asserts. */
  run(w: World): Promise<void>;
  /** Runtimes this scenario cannot hold for, with {@link Scenario.skipReason}. */
  skip?: RuntimeName[];
  skipReason?: string;
  /** @default 30_000 */
  timeoutMs?: number;
}

/** Providers 1-4 are upstreams a-d. */
export function providers(u: Upstreams): Record<string, string> {
  return { '1': u.a.url, '2': u.b.url, '3': u.c.url, '4': u.d.url };
}

/**
 * A config with the suite's defaults: breaker off (so one scenario's failures never open a
 * breaker for the next), a 1 s attempt timeout, providers 1-4 = upstreams a-d, no global priority.
 * `extra` is merged on top (shallowly).
 */
export function baseConfig(u: Upstreams, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { breaker: false, timeout_ms: 1000, deadline_ms: 6000, global_priority: '', routes: {}, providers: providers(u), ...extra };
}

/** A config routing the single app `app` with `priority`, route keys from `route`, top keys from `top`. */
export function appConfig(
  u: Upstreams,
  app: string,
  priority: string,
  route: Record<string, unknown> = {},
  top: Record<string, unknown> = {},
): Record<string, unknown> {
  return baseConfig(u, { routes: { [app]: { priority, ...route } }, ...top });
}

/** Asserts that none of `upstreams` received any request. */
export function expectUntouched(...upstreams: Upstream[]): void {
  for (const up of upstreams) {
    expect(
      up.requests.map((r) => `${r.method} ${r.url}`),
      `upstream ${up.name} must not be contacted`,
    ).toEqual([]);
  }
}

/** Asserts a router-made error: `status`, JSON with an `error` string. Returns the body. */
export function expectRouterError(answer: Answer, status: number): Record<string, unknown> {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.header('content-type') ?? '').toMatch(/application\/json/);
  const body = answer.json();
  expect(typeof body.error).toBe('string');
  return body;
}

/** Asserts a 200 answered by `up` (the default echo), and returns it. */
export function expectEcho(answer: Answer, up: Upstream): Record<string, unknown> {
  expect(answer.status, answer.text).toBe(200);
  const body = answer.json();
  expect(body.upstream).toBe(up.name);
  return body;
}

/** One `Server-Timing` entry of the router. */
export interface TimingEntry {
  n: number;
  provider: string;
  outcome: string;
  dur: number;
}

/**
 * Parses the router's `Server-Timing` entries `pN;desc="<id> <outcome>";dur=<ms>` (SPEC 3.6),
 * asserting the format; other metrics a runtime adds are ignored.
 */
export function serverTiming(answer: Answer): TimingEntry[] {
  const header = answer.header('server-timing');
  expect(header, 'Server-Timing header').toBeTruthy();
  const entries: TimingEntry[] = [];
  for (const part of String(header).split(/,\s*/)) {
    if (!/^p\d+;/.test(part.trim())) continue;
    const match = /^p(\d+);desc="([0-9A-Za-z]) ([^"]+)";dur=(\d+(?:\.\d+)?)$/.exec(part.trim());
    expect(match, `Server-Timing entry "${part}" must be pN;desc="<id> <outcome>";dur=<ms>`).toBeTruthy();
    if (match) entries.push({ n: Number(match[1]), provider: match[2], outcome: match[3], dur: Number(match[4]) });
  }
  expect(entries.map((e) => e.n)).toEqual(entries.map((_e, i) => i + 1));
  return entries;
}

/** Asserts `X-Route-Attempts` and the providers/outcomes of `Server-Timing` (`['1 503', '2 200']`). */
export function expectAttempts(answer: Answer, expected: string[]): void {
  expect(answer.header('x-route-attempts'), 'X-Route-Attempts').toBe(String(expected.length));
  expect(serverTiming(answer).map((e) => `${e.provider} ${e.outcome}`)).toEqual(expected);
}

/** The router-made error's `attempts` as `['1 error', '2 timeout']` strings, checking each entry's shape. */
export function errorAttempts(body: Record<string, unknown>): string[] {
  const attempts = body.attempts as Array<Record<string, unknown>>;
  expect(Array.isArray(attempts), 'attempts must be an array').toBe(true);
  return attempts.map((a) => {
    expect(typeof a.provider).toBe('string');
    expect(typeof a.outcome).toBe('string');
    expect(typeof a.ms).toBe('number');
    return `${String(a.provider)} ${String(a.outcome)}`;
  });
}

/** Outcome names for a connection failure that is not a timeout (`error`, `refused`...): anything but a status or `timeout`. */
export const CONNECTION_FAILURE = /^(?!timeout$)(?!\d{3}$)[a-z_-]+$/;

/** Sleeps (cooldowns, TTLs); always bounded by the caller. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The secret the main router process gets as `CONF_ADMIN_KEY` (route auth values use it). */
export const ADMIN_KEY = 'k-secret-env-7f3a';

/** Compares provider bases the way SPEC 3.2 does: a trailing slash does not count. */
export function sameBase(actual: unknown, expected: string): boolean {
  return typeof actual === 'string' && actual.replace(/\/+$/, '') === expected.replace(/\/+$/, '');
}
