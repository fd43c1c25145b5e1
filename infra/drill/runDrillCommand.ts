import { readFile } from 'node:fs/promises';
import { ConfigValidationError, parseConfig, type RouteConfigSnapshot } from '../../shared/index.ts';
import { commandDisabler } from './commandDisabler.ts';
import type { Disabler, DrillMode } from './disabler.ts';
import { DrillError, DrillInputError, OutOfBoundsError } from './errors.ts';
import { formatDrillReport } from './formatDrillReport.ts';
import { manualDisabler } from './manualDisabler.ts';
import { DRILL_LIMITS, runDrill, type DrillOptions } from './runDrill.ts';
import { localDisabler } from './localDisabler.ts';

/** Exit codes of `hadoku-route drill` (0 and 1 as every command; 3 and 4 are the drill's own). */
export const DRILL_EXIT = {
  /** Every idempotent request succeeded. */
  pass: 0,
  /** Refused before any traffic: bad flag, router not answering, unknown provider. */
  invalid: 1,
  /** At least one idempotent (GET) request failed during the drill. */
  lost: 3,
  /** The provider could not be disabled or re-enabled (traffic stopped). */
  disabler: 4,
} as const;

/** The `drill` command's flags, as strings from the command line. */
export interface DrillFlags {
  router?: string;
  disable?: string;
  /** @default '20' */
  rate?: string;
  /** @default '120' (the after phase must outlast the SPEC's 30 s breaker cooldown) */
  duration?: string;
  /** How a stand-in fails. @default a local stack's own (503, drained), else 'refuse' */
  mode?: string;
  json?: boolean;
  manual?: boolean;
  disableCmd?: string;
  enableCmd?: string;
  /** Path after `/<app>/api`. @default '/health' */
  path?: string;
  /** Comma list of methods sent in turn. @default 'GET,POST' */
  methods?: string;
  /** The router's route-config.json, read for `breaker` and `timeout_ms` (else the SPEC defaults are assumed). */
  config?: string;
}

/** What the command may touch. */
export interface DrillCommandIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves on Ctrl-C: the drill stops early, re-enables the provider, and still reports. */
  untilStopped?(): Promise<string>;
}

/**
 * `hadoku-route drill`: turns flags into a {@link runDrill} call and prints the result; resolves
 * to the exit code ({@link DRILL_EXIT}).
 *
 * The disabler is chosen by the flags: `--disable-cmd` + `--enable-cmd` run those commands
 * (deployed stacks); `--manual` prints them (default: the documented drain commands) for the
 * operator, waiting for Enter on a terminal and observing the answers otherwise (CI); without
 * either, the provider must be local: a stack of a running `hadoku-route dev` (drained by restarting
 * its router with `ROUTE_DRAIN=true`) or a stand-in (`dev --standins`, switched over `/_standin/mode`).
 * Progress goes to stderr; stdout gets the table, or with `--json` exactly one JSON object.
 *
 * @example
 * process.exitCode = await runDrillCommand({ router: 'http://127.0.0.1:8787', disable: '1', rate: '40', duration: '30', mode: 'hang' }, io);
 */
export async function runDrillCommand(flags: DrillFlags, io: DrillCommandIo): Promise<number> {
  const stop = new AbortController();
  void io.untilStopped?.().then((signal) => {
    io.err(`drill: ${signal}: stopping early, re-enabling the provider`);
    stop.abort();
  });
  try {
    if (!flags.router) throw new DrillInputError('drill: --router URL is required (the router to send traffic through)');
    if (!flags.disable) throw new DrillInputError('drill: --disable ID is required (the provider id to take out)');
    const options: DrillOptions = {
      router: flags.router,
      disable: flags.disable,
      rate: numberFlag('--rate', flags.rate ?? '20', DRILL_LIMITS.rate, 'requests per second'),
      durationS: numberFlag('--duration', flags.duration ?? '120', DRILL_LIMITS.durationS, 'seconds'),
      mode: flags.mode as DrillMode | undefined,
      disabler: chooseDisabler(flags),
      path: flags.path,
      methods: (flags.methods ?? 'GET,POST').split(',').map((m) => m.trim().toUpperCase()),
      log: (line) => io.err(line),
      signal: stop.signal,
      ...(flags.config ? await routerSettings(flags.config) : {}),
    };
    const report = await runDrill(options);
    if (flags.json) io.out(JSON.stringify(report));
    else for (const line of formatDrillReport(report).split('\n')) io.out(line);
    return report.failed_idempotent > 0 || report.sent === 0 ? DRILL_EXIT.lost : DRILL_EXIT.pass;
  } catch (error) {
    if (!(error instanceof DrillError)) throw error;
    io.err(error.message);
    return error instanceof DrillInputError ? DRILL_EXIT.invalid : DRILL_EXIT.disabler;
  }
}

function chooseDisabler(flags: DrillFlags): Disabler {
  // With --manual the commands are only shown to the operator (default: the documented ones).
  if (flags.manual) return manualDisabler({ disable: flags.disableCmd, enable: flags.enableCmd });
  if (flags.disableCmd === undefined && flags.enableCmd === undefined) return localDisabler();
  if (!flags.disableCmd || !flags.enableCmd) throw new DrillInputError('drill: --disable-cmd and --enable-cmd go together');
  return commandDisabler({ disable: flags.disableCmd, enable: flags.enableCmd });
}

/** A numeric flag; anything that is not a plain number is refused with the text as given. */
function numberFlag(name: string, value: string, limits: { min: number; max: number }, unit: string): number {
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value)) throw new OutOfBoundsError(name, value, limits.min, limits.max, unit);
  return Number(value);
}

/**
 * `breaker` and `timeout_ms` of a route-config.json, as the report's assumptions: parsed by the
 * routers' own `parseConfig` (so the defaults are `DEFAULTS`, never a copy). Variables the
 * drill's environment does not set are filled with a placeholder URL: only timing is read here.
 */
async function routerSettings(file: string): Promise<Pick<DrillOptions, 'breaker' | 'timeoutMs'>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DrillInputError(`drill: --config ${file}: ${(error as Error).message}`, { cause: error });
  }
  const env: Record<string, string | undefined> = { ...process.env };
  for (const [, name] of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) env[name!] ??= 'http://unresolved.invalid';
  let config: RouteConfigSnapshot;
  try {
    config = parseConfig(text, env);
  } catch (error) {
    const errors = error instanceof ConfigValidationError ? error.errors.join('; ') : (error as Error).message;
    throw new DrillInputError(`drill: --config ${file}: invalid config: ${errors}`, { cause: error });
  }
  return { breaker: config.breaker ?? false, timeoutMs: config.unlisted.timeoutMs };
}
