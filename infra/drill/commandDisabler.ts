import { spawn } from 'node:child_process';
import type { Disabler, DisableContext } from './disabler.ts';
import { DisablerFailedError, DisablerUnavailableError } from './errors.ts';

/** Options of {@link commandDisabler}. */
export interface CommandDisablerOptions {
  /** Shell command that disables (drains) the deployment, e.g. `DRAIN_COMMANDS.lambda.disable`. */
  disable: string;
  /** Shell command that puts it back. */
  enable: string;
  /** Working directory of the commands. @default process.cwd() */
  cwd?: string;
  /** Environment of the commands. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** A command still running after this long is stopped and the step fails. @default 1_200_000 (20 min: a CloudFormation update) */
  timeoutMs?: number;
}

/**
 * Disables a deployed stack by running its documented commands (`cdk deploy -c drain=true`,
 * `wrangler deploy --var ROUTE_DRAIN:true`) and restores it with their counterparts. Each command
 * runs under `sh -c`; its output is passed to the drill's progress log line by line (stdout of the
 * drill stays free for `--json`). A non-zero exit fails the step.
 *
 * The phases are timed from the commands: the provider counts as disabled from the moment the
 * disable command starts (a deploy takes effect somewhere inside it), so `shift_ms` includes the
 * deploy time; `disable_took_ms` in the report says how long the command ran.
 *
 * @example
 * commandDisabler({ disable: DRAIN_COMMANDS.worker.disable, enable: DRAIN_COMMANDS.worker.enable });
 */
export function commandDisabler(options: CommandDisablerOptions): Disabler {
  const run = (command: string, step: 'disable' | 'enable', ctx: DisableContext): Promise<void> =>
    new Promise((resolve, reject) => {
      ctx.log(`$ ${command}`);
      // detached: its own process group, so a timeout stops the command and everything it started.
      const child = spawn('sh', ['-c', command], {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const tail: string[] = [];
      const relay = (chunk: Buffer): void => {
        for (const line of chunk.toString('utf8').split(/\r?\n/)) {
          if (!line.trim()) continue;
          ctx.log(`  ${line}`);
          tail.push(line);
          if (tail.length > 5) tail.shift();
        }
      };
      child.stdout.on('data', relay);
      child.stderr.on('data', relay);
      const timeoutMs = options.timeoutMs ?? 1_200_000;
      const timer = setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
      }, timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new DisablerFailedError(step, `cannot run '${command}': ${error.message}`, { cause: error }));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) return resolve();
        const why = signal ? `stopped by ${signal}${signal === 'SIGTERM' ? ` after ${timeoutMs} ms` : ''}` : `exit code ${code}`;
        reject(new DisablerFailedError(step, `'${command}' failed (${why})${tail.length ? `: ${tail.join(' | ')}` : ''}`));
      });
    });
  return {
    name: 'command',
    timing: 'known',
    async check() {
      if (!options.disable.trim() || !options.enable.trim()) {
        throw new DisablerUnavailableError('drill: --disable-cmd and --enable-cmd must both be given, non-empty');
      }
    },
    disable: (ctx) => run(options.disable, 'disable', ctx),
    enable: (ctx) => run(options.enable, 'enable', ctx),
  };
}
