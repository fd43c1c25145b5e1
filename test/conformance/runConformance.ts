/**
 * Runs the conformance table against one runtime started through `hadoku-route serve`: one router
 * process per test file (plus one per distinct scenario `env`, all started together at the
 * beginning), one config per scenario, the providers reset before each. A runtime's test file is
 * one line; a slow runtime's table is cut into parts, one file each, that vitest runs side by side:
 *
 * ```ts
 * import { runConformance } from './runConformance.ts';
 * runConformance('worker', { part: { index: 1, of: 2 } }); // worker.1.test.ts
 * ```
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedPort } from '../support/ports.ts';
import { startRouterProcess, type RouterProcess, type RuntimeName } from '../support/routerProcess.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';
import { send } from './client.ts';
import { scenarios } from './scenarios.ts';
import { ADMIN_KEY, baseConfig, type Scenario, type Upstreams, type World } from './world.ts';

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** Extra environment for every router process (after the suite's own). */
  env?: Record<string, string>;
  /** Scenarios (by exact name) to skip on this runtime, with the reason shown in the report. */
  skip?: Record<string, string>;
  /** Only run scenarios this returns true for (e.g. `(s) => s.spec.startsWith('3')`). */
  only?: (scenario: Scenario) => boolean;
  /**
   * Run one contiguous part of the table: part `index` (1-based) of `of` near-equal parts, so that
   * the parts together run every scenario once, in table order. Each part has its own router and
   * upstreams, so parts in separate files run in parallel.
   * @default the whole table
   */
  part?: { index: number; of: number };
  /** @default 90_000 */
  startTimeoutMs?: number;
  /** How long a config edit may take to show in `/_config/route`. @default 15_000 */
  reloadTimeoutMs?: number;
  /** Per-scenario test timeout. @default 30_000 (or the scenario's own) */
  scenarioTimeoutMs?: number;
}

/** The environment every router process of the suite gets: `${VAR}` values and the auth secret. */
function suiteEnv(u: Upstreams, extra: Record<string, string> | undefined): Record<string, string> {
  return {
    LOCAL_BASE: u.a.url,
    CONF_BASE_A: u.a.url,
    CONF_ADMIN_KEY: ADMIN_KEY,
    // Worker and Lambda re-read their config source this often (seconds) under serve. Every
    // scenario writes its config and waits until the router shows it, so this wait is paid ~130
    // times per runtime: 0.2 s instead of 1 s saves over a minute each, and stays well above the
    // time one KV or SSM read takes.
    ROUTE_CONFIG_MAX_AGE: '0.2',
    // The SPEC contract without shared-health advice: the Express runtime's in-process prober off,
    // as the Worker and Lambda have no scheduled prober under serve (issue 15 has its own tests).
    ROUTE_HEALTH_INTERVAL_S: 'off',
    ...(extra ?? {}),
  };
}

/** A world around one router process. */
function worldOf(runtime: RuntimeName, router: RouterProcess, u: Upstreams): World {
  return {
    ...u,
    runtime,
    router,
    baseUrl: router.baseUrl,
    routerHost: new URL(router.baseUrl).host,
    send: (target, options) => send(router.baseUrl, target, options),
  };
}

/**
 * Declares the conformance table (or one part of it, `options.part`) as vitest tests for `runtime`.
 *
 * @example
 * // test/conformance/lambda.1.test.ts
 * runConformance('lambda', { part: { index: 1, of: 2 }, skip: { 'some scenario name': 'why it cannot hold here' } });
 */
export function runConformance(runtime: RuntimeName, options: ConformanceOptions = {}): void {
  const part = options.part;
  const table = part ? partOf(scenarios, part) : scenarios;
  const suiteTitle = `conformance: serve --runtime ${runtime}${part ? ` (part ${part.index} of ${part.of})` : ''}`;
  const skipReason = (scenario: Scenario): string | undefined =>
    scenario.skip?.includes(runtime) ? (scenario.skipReason ?? 'marked skip') : options.skip?.[scenario.name];
  const runs = (scenario: Scenario): boolean => (!options.only || options.only(scenario)) && !skipReason(scenario);
  describe(suiteTitle, () => {
    let upstreams: Upstreams;
    let all: Upstream[] = [];
    const routers = new Map<string, Promise<RouterProcess>>();

    const routerFor = (extraEnv: Record<string, string>): Promise<RouterProcess> => {
      const env = suiteEnv(upstreams, { ...(options.env ?? {}), ...extraEnv });
      const key = JSON.stringify(Object.entries(env).sort());
      let router = routers.get(key);
      if (!router) {
        router = startRouterProcess({
          runtime,
          env,
          // Providers 1-4 so that an env override naming any of them is valid from the start.
          config: baseConfig(upstreams, { global_priority: '1' }),
          ...(options.startTimeoutMs ? { startTimeoutMs: options.startTimeoutMs } : {}),
          ...(options.reloadTimeoutMs ? { reloadTimeoutMs: options.reloadTimeoutMs } : {}),
        });
        routers.set(key, router);
      }
      return router;
    };

    beforeAll(
      async () => {
        const [a, b, c, d, evil] = await Promise.all(['a', 'b', 'c', 'd', 'evil'].map((name) => startUpstream(name)));
        all = [a, b, c, d, evil];
        upstreams = { a, b, c, d, evil, refused: `http://127.0.0.1:${await refusedPort()}` };
        // The routers of scenarios with their own env start now, beside the main one, instead of
        // one after another when their scenario comes (a Worker or a Lambda takes seconds). A start
        // that fails is reported by the scenario that awaits it.
        for (const scenario of table) {
          if (scenario.env && runs(scenario)) routerFor(scenario.env(upstreams)).catch(() => undefined);
        }
        await routerFor({});
      },
      (options.startTimeoutMs ?? 90_000) + 10_000,
    );

    afterAll(async () => {
      const started = await Promise.allSettled(routers.values());
      await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
      await Promise.all(all.map((up) => up.close()));
    }, 30_000);

    for (const scenario of table) {
      if (options.only && !options.only(scenario)) continue;
      const title = `[${scenario.spec}] ${scenario.name}`;
      const reason = skipReason(scenario);
      if (reason) {
        it.skip(`${title} (skipped on ${runtime}: ${reason})`, () => undefined);
        continue;
      }
      it(
        title,
        async () => {
          // Prepare
          for (const up of all) up.reset();
          const router = await routerFor(scenario.env ? scenario.env(upstreams) : {});
          const world = worldOf(runtime, router, upstreams);
          const status = await router.setConfig(scenario.config(world));
          expect(status.last_error, "the scenario's own config must be accepted").toBeNull();
          await scenario.setup?.(world);

          // Act + Assess
          await scenario.run(world);
        },
        scenario.timeoutMs ?? options.scenarioTimeoutMs ?? 30_000,
      );
    }
  });
}

/**
 * Part `index` (1-based) of `of` contiguous, near-equal parts of `table` (the first parts take one
 * more when it does not divide evenly).
 *
 * @example
 * partOf(['a', 'b', 'c'], { index: 2, of: 2 }); // ['c']
 */
export function partOf<T>(table: readonly T[], part: { index: number; of: number }): readonly T[] {
  const { index, of } = part;
  if (!Number.isInteger(of) || of < 1 || !Number.isInteger(index) || index < 1 || index > of) {
    throw new RangeError(`part: index must be 1..of and of >= 1, got index ${index} of ${of}`);
  }
  const size = Math.floor(table.length / of);
  const extra = table.length % of;
  const start = (index - 1) * size + Math.min(index - 1, extra);
  return table.slice(start, start + size + (index <= extra ? 1 : 0));
}
