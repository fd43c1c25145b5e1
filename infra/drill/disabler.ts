/** How a provider is failed during a local drill: stop listening, hang, or answer 503. */
export type DrillMode = 'refuse' | 'hang' | '503';

/** Every accepted {@link DrillMode}. */
export const DRILL_MODES: readonly DrillMode[] = ['refuse', 'hang', '503'];

/** What a {@link Disabler} is told about the provider and the plan. */
export interface DisableContext {
  /** Provider id being disabled. */
  provider: string;
  /** Its base URL as the router knows it (`/_config/route`). */
  base: string;
  /** Requested failure mode (stand-ins honour it; deployed stacks always drain with 503). */
  mode: DrillMode;
  /** How long the provider is meant to stay disabled, in ms. */
  holdMs: number;
  /** Progress lines for the operator (stderr in the CLI). */
  log: (line: string) => void;
}

/**
 * Takes one provider out and puts it back while the drill's traffic flows.
 *
 * `timing: 'known'` means `disable()`/`enable()` resolve once the change is in effect, so the
 * drill times its phases from them. `'observed'` means the change happens outside the drill
 * (an operator or a CI job runs the commands): the drill infers when the provider went away
 * and came back from the answers themselves.
 */
export interface Disabler {
  /** Shown in progress lines and in the report. */
  readonly name: string;
  readonly timing: 'known' | 'observed';
  /**
   * The one way this disabler fails the provider, when it has no choice (a drained stack answers
   * 503), known once `check()` has run; a different `--mode` is then refused. @default any mode
   */
  readonly mode?: DrillMode;
  /** Runs before any traffic; throws a `DrillInputError` when this disabler cannot act on the provider. */
  check?(ctx: DisableContext): Promise<void>;
  disable(ctx: DisableContext): Promise<void>;
  enable(ctx: DisableContext): Promise<void>;
}

/**
 * The documented drain commands of the deployed stacks (README "Drill a failover"), for the stage
 * in `$STAGE` (the Worker's through `CLOUDFLARE_ENV`, which wrangler reads). Both make the
 * deployment answer 503 to every routed request (`ROUTE_DRAIN`), which routers in front treat as a
 * failure and fall over from; `/_config/route` and `/_router/health` keep answering.
 */
export const DRAIN_COMMANDS = {
  // $STAGE: the stage's stack (`HadokuRoute-<stage>`, infra/lib/stageNames.ts), as drill.yml sets it.
  lambda: {
    disable: 'npx cdk deploy "HadokuRoute-$STAGE" --require-approval never -c "stage=$STAGE" -c drain=true',
    enable: 'npx cdk deploy "HadokuRoute-$STAGE" --require-approval never -c "stage=$STAGE" -c drain=false',
  },
  worker: {
    disable: 'npx wrangler deploy --var ROUTE_DRAIN:true',
    enable: 'npx wrangler deploy --var ROUTE_DRAIN:false',
  },
} as const;
