import { createInterface } from 'node:readline';
import type { Disabler, DisableContext } from './disabler.ts';
import { DRAIN_COMMANDS } from './disabler.ts';

/** Options of {@link manualDisabler}. */
export interface ManualDisablerOptions {
  /** Command shown for disabling. @default both documented drain commands (Lambda stack, Worker) */
  disable?: string;
  /** Command shown for restoring. @default their counterparts */
  enable?: string;
  /** Wait for Enter after each step. @default `input.isTTY` */
  interactive?: boolean;
  /** Where Enter is read from. @default process.stdin */
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/**
 * For the operator (or a CI job) who disables the provider by hand: prints the command to run at
 * each step.
 *
 * Interactive (a terminal), it waits for Enter once the step is done, and the phases are timed
 * from those presses. Non-interactive (`< /dev/null`, CI), it only prints them at the planned
 * times (1/3 and 2/3 of the duration) and returns at once: whoever runs the commands keeps their
 * own timing, so the drill infers when the provider went away and came back from the answers
 * (`timing: "observed"` in the report).
 */
export function manualDisabler(options: ManualDisablerOptions = {}): Disabler {
  const input = options.input ?? process.stdin;
  const interactive = options.interactive ?? input.isTTY === true;
  const show = (ctx: DisableContext, step: 'disable' | 'enable'): void => {
    const given = step === 'disable' ? options.disable : options.enable;
    const commands = given ? [given] : [`${DRAIN_COMMANDS.lambda[step]}   # Lambda stack`, `${DRAIN_COMMANDS.worker[step]}   # Worker`];
    ctx.log(`${step === 'disable' ? 'Disable' : 'Re-enable'} provider ${ctx.provider} (${ctx.base}) now:`);
    for (const command of commands) ctx.log(`  ${command}`);
  };
  const enter = (ctx: DisableContext): Promise<void> =>
    new Promise((resolve) => {
      ctx.log('Press Enter once it is done.');
      const lines = createInterface({ input, terminal: false });
      const done = (): void => {
        lines.close();
        resolve();
      };
      lines.once('line', done);
      lines.once('close', resolve);
    });
  return {
    name: interactive ? 'manual' : 'manual (observed)',
    timing: interactive ? 'known' : 'observed',
    async disable(ctx) {
      show(ctx, 'disable');
      if (interactive) await enter(ctx);
    },
    async enable(ctx) {
      show(ctx, 'enable');
      if (interactive) await enter(ctx);
    },
  };
}
