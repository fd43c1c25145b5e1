import { findDevStack } from '../hosts/devState.ts';
import type { Disabler, DisableContext } from './disabler.ts';
import { localStackDisabler } from './localStackDisabler.ts';
import { standinDisabler } from './standinDisabler.ts';

/** Options of {@link localDisabler}. */
export interface LocalDisablerOptions {
  /** Folder of `dev`'s state files. @default devStateDir() */
  stateDir?: string;
}

/**
 * The drill's default disabler on this machine: when the provider is a stack of a running
 * `hadoku-route dev` (the real topology), it is drained like a deployment
 * ({@link localStackDisabler}); otherwise it must be a stand-in (`dev --standins`), switched over
 * `/_standin/mode` ({@link standinDisabler}). The choice is made in `check()`, before any traffic.
 *
 * @example
 * await runDrill({ router: 'http://127.0.0.1:8787', disable: '2', rate: 20, durationS: 30, disabler: localDisabler() });
 */
export function localDisabler(options: LocalDisablerOptions = {}): Disabler {
  let chosen: Disabler | undefined;
  const pick = (ctx: DisableContext): Disabler =>
    (chosen ??= findDevStack(ctx.base, options.stateDir) ? localStackDisabler(options) : standinDisabler());
  return {
    get name() {
      return chosen?.name ?? 'local';
    },
    timing: 'known',
    get mode() {
      return chosen?.mode;
    },
    check: (ctx) => pick(ctx).check?.(ctx) ?? Promise.resolve(),
    disable: (ctx) => pick(ctx).disable(ctx),
    enable: (ctx) => pick(ctx).enable(ctx),
  };
}
