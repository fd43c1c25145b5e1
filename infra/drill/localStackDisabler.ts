import { findDevStack, type DevStackRef } from '../hosts/devState.ts';
import type { Disabler, DisableContext } from './disabler.ts';
import { DisablerFailedError, DisablerUnavailableError } from './errors.ts';
import { connectionReason } from './routeInfo.ts';

/** A restart of workerd or the Lambda bundle takes seconds; the control answers once it serves. */
const SWITCH_TIMEOUT_MS = 90_000;

/** Options of {@link localStackDisabler}. */
export interface LocalStackDisablerOptions {
  /** Folder of `dev`'s state files. @default devStateDir() */
  stateDir?: string;
}

/**
 * Disables a stack of a running `hadoku-route dev` (the real local topology) the way the cloud
 * drill disables a deployment: its router is restarted on the same port with `ROUTE_DRAIN=true`,
 * so it answers 503 for routed paths while `/_config/route` and `/_router/health` keep answering
 * (with `drain: true`), and routers in front fall over. `enable()` restarts it undrained.
 *
 * The stack is found by the provider's base URL in `dev`'s state file; the switch goes through
 * `dev`'s loopback control endpoint. After each switch the stack's own `/_router/health` and
 * `/_config/route` are read back and must report the new `drain` value.
 *
 * @example
 * const disabler = localStackDisabler();
 * const report = await runDrill({ router: 'http://127.0.0.1:8787', disable: '3', rate: 20, durationS: 30, disabler });
 */
export function localStackDisabler(options: LocalStackDisablerOptions = {}): Disabler {
  let ref: DevStackRef | null = null;
  const locate = (ctx: DisableContext): DevStackRef => {
    ref ??= findDevStack(ctx.base, options.stateDir);
    if (!ref) {
      throw new DisablerUnavailableError(
        `drill: provider '${ctx.provider}' at ${ctx.base} is not a stack of a running \`hadoku-route dev\` (no state file names it); ` +
          'for a deployed stack use --disable-cmd/--enable-cmd or --manual',
      );
    }
    return ref;
  };
  const switchTo = async (ctx: DisableContext, drain: boolean): Promise<void> => {
    const step = drain ? 'disable' : 'enable';
    const { control, token, stack } = locate(ctx);
    ctx.log(`restarting stack ${stack.id} (${stack.runtime} router, ${stack.url}) with ROUTE_DRAIN=${drain}`);
    const answer = await call(control, token, 'POST', `/stacks/${stack.id}/drain`, { drain }, SWITCH_TIMEOUT_MS).catch((error: unknown) => {
      throw new DisablerFailedError(step, `dev control at ${control}: ${connectionReason(error)}`, { cause: error });
    });
    if (answer.status !== 200) {
      throw new DisablerFailedError(step, `dev control answered ${answer.status}: ${String(answer.body.error ?? '')}`);
    }
    const seen = await readDrain(stack.url);
    const took = String(answer.body.took_ms);
    ctx.log(`stack ${stack.id} serves again after ${took} ms: /_config/route drain: ${seen.config}, /_router/health drain: ${seen.health}`);
    if (seen.config !== drain || seen.health !== drain) {
      const reported = `${String(seen.config)}/${String(seen.health)}`;
      throw new DisablerFailedError(step, `stack ${stack.id} reports drain ${reported} (config/health), expected ${drain}`);
    }
  };
  return {
    name: 'local stack (ROUTE_DRAIN)',
    timing: 'known',
    mode: '503',
    async check(ctx) {
      const { control, token, stack } = locate(ctx);
      let listed: Array<{ id?: string; drain?: boolean }>;
      try {
        const answer = await call(control, token, 'GET', '/stacks', undefined, 5000);
        listed = (answer.body.stacks as typeof listed | undefined) ?? [];
      } catch (error) {
        const reason = connectionReason(error);
        throw new DisablerUnavailableError(
          `drill: the dev control endpoint for stack ${stack.id} (${control}) does not answer (${reason})`,
          {
            cause: error,
          },
        );
      }
      if (listed.find((s) => s.id === stack.id)?.drain === true) {
        throw new DisablerUnavailableError(`drill: stack ${stack.id} (${stack.url}) is already draining: restore it first`);
      }
    },
    disable: (ctx) => switchTo(ctx, true),
    enable: (ctx) => switchTo(ctx, false),
  };
}

interface ControlAnswer {
  status: number;
  body: Record<string, unknown>;
}

async function call(
  control: string,
  token: string,
  method: string,
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<ControlAnswer> {
  const response = await fetch(`${control}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: response.status, body: parsed };
}

/** The `drain` flag a stack's router reports on both of its own paths. */
async function readDrain(url: string): Promise<{ config: unknown; health: unknown }> {
  const read = async (path: string): Promise<unknown> => {
    try {
      const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5000) });
      return ((await response.json()) as { drain?: unknown }).drain;
    } catch {
      return 'no answer';
    }
  };
  const [config, health] = await Promise.all([read('/_config/route'), read('/_router/health')]);
  return { config, health };
}
