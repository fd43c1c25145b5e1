import type { Disabler, DisableContext } from './disabler.ts';
import { DisablerFailedError, DisablerUnavailableError } from './errors.ts';
import { connectionReason } from './routeInfo.ts';

/** How long `enable()` waits for a refusing stand-in to listen again. */
const RELISTEN_WAIT_MS = 10_000;

/**
 * Disables a local stand-in provider (infra/hosts/standin.ts) over its admin path
 * `POST /_standin/mode`: `refuse` (stops listening), `hang` (accepts, never answers) or `503`.
 *
 * A refusing stand-in cannot hear "ok" over HTTP, so `refuse` is sent with `for_ms` = the hold
 * time: the stand-in comes back by itself, and `enable()` waits until it listens again. That also
 * means an interrupted drill never leaves a stand-in refusing for good.
 *
 * @param url - the stand-in's base URL. @default the provider's base from the router's config
 * @example
 * const report = await runDrill({ router, disable: '1', rate: 40, durationS: 9, mode: 'hang', disabler: standinDisabler() });
 */
export function standinDisabler(url?: string): Disabler {
  const target = (ctx: DisableContext): string => (url ?? ctx.base).replace(/\/+$/, '');
  const post = async (ctx: DisableContext, body: Record<string, unknown>, step: 'disable' | 'enable'): Promise<void> => {
    let response: Response;
    try {
      response = await fetch(`${target(ctx)}/_standin/mode`, {
        method: 'POST',
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
    } catch (error) {
      throw new DisablerFailedError(step, `stand-in at ${target(ctx)}: ${connectionReason(error)}`, { cause: error });
    }
    const text = await response.text();
    if (response.status !== 200)
      throw new DisablerFailedError(step, `stand-in at ${target(ctx)} answered ${response.status} ${text.slice(0, 200)}`);
  };
  return {
    name: 'stand-in',
    timing: 'known',
    async check(ctx) {
      const where = target(ctx);
      let problem: string;
      // Stand-ins only run on this machine: a deployed provider is never sent the admin request.
      if (!isLoopback(where)) {
        throw new DisablerUnavailableError(
          `drill: provider '${ctx.provider}' is ${where}, not a local stand-in; for a deployed stack use --disable-cmd/--enable-cmd or --manual`,
        );
      }
      try {
        const response = await fetch(`${where}/_standin/mode`, { signal: AbortSignal.timeout(5000) });
        const body = (await response.json().catch(() => null)) as { mode?: unknown } | null;
        if (response.status === 200 && typeof body?.mode === 'string') {
          if (body.mode === 'ok') return;
          problem = `it is already in mode '${body.mode}' (set it back with POST /_standin/mode {"mode":"ok"})`;
        } else problem = `GET /_standin/mode answered ${response.status}`;
      } catch (error) {
        problem = connectionReason(error);
      }
      throw new DisablerUnavailableError(
        `drill: provider '${ctx.provider}' at ${where} is not a local stand-in ready to disable (${problem}); for a deployed stack use --disable-cmd/--enable-cmd or --manual`,
      );
    },
    async disable(ctx) {
      await post(
        ctx,
        ctx.mode === 'refuse' ? { mode: 'refuse', for_ms: Math.max(1, Math.round(ctx.holdMs)) } : { mode: ctx.mode },
        'disable',
      );
    },
    async enable(ctx) {
      if (ctx.mode !== 'refuse') return post(ctx, { mode: 'ok' }, 'enable');
      // It reverts by itself after for_ms; bounded wait until it answers again.
      const deadline = Date.now() + RELISTEN_WAIT_MS;
      let lastError: unknown;
      while (Date.now() < deadline) {
        try {
          const response = await fetch(`${target(ctx)}/_standin/mode`, { signal: AbortSignal.timeout(1000) });
          const body = (await response.json()) as { mode?: string };
          if (body.mode === 'ok') return;
          if (body.mode !== 'refuse') return post(ctx, { mode: 'ok' }, 'enable');
        } catch (error) {
          lastError = error;
        }
        await new Promise((wake) => setTimeout(wake, 20));
      }
      throw new DisablerFailedError('enable', `stand-in at ${target(ctx)} did not listen again within ${RELISTEN_WAIT_MS} ms`, {
        cause: lastError,
      });
    },
  };
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}
