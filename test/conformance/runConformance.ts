/**
 * Runs the conformance table against one runtime started through `hadoku-route serve`: one router
 * process per test file (plus one per distinct scenario `env`), one config per scenario, the
 * providers reset before each. A runtime's test file is one line:
 *
 * ```ts
 * import { runConformance } from './runConformance.ts';
 * runConformance('worker');
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
    // Worker and Lambda re-read their config source this often under serve: keeps edits quick.
    ROUTE_CONFIG_MAX_AGE: '1',
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
 * Declares the whole conformance table as vitest tests for `runtime`.
 *
 * @example
 * // test/conformance/lambda.test.ts
 * runConformance('lambda', { skip: { 'some scenario name': 'why it cannot hold here' } });
 */
export function runConformance(runtime: RuntimeName, options: ConformanceOptions = {}): void {
  describe(`conformance: serve --runtime ${runtime}`, () => {
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
        await routerFor({});
      },
      (options.startTimeoutMs ?? 90_000) + 10_000,
    );

    afterAll(async () => {
      const started = await Promise.allSettled(routers.values());
      await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
      await Promise.all(all.map((up) => up.close()));
    }, 30_000);

    for (const scenario of scenarios) {
      if (options.only && !options.only(scenario)) continue;
      const title = `[${scenario.spec}] ${scenario.name}`;
      const reason = scenario.skip?.includes(runtime) ? (scenario.skipReason ?? 'marked skip') : options.skip?.[scenario.name];
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
