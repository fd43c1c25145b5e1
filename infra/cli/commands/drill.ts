import { resolve } from 'node:path';
import {
  commandDisabler,
  DRAIN_COMMANDS,
  DRILL_LIMITS,
  DRILL_MODES,
  DrillInputError,
  formatDrillReport,
  localDisabler,
  manualDisabler,
  OutOfBoundsError,
  readRouterSettings,
  runDrill,
  type Disabler,
  type DrillMode,
  type DrillOptions,
} from '../../drill/index.ts';
import { ExitCode, exitCodesHelp } from '../../kit/exitCodes.ts';
import type { CliIo } from '../../kit/io.ts';
import type { Command, ParsedArgs } from '../command.ts';

/** `hadoku-route drill`: measured failover through a router while one provider is taken out. */
export const drillCommand: Command = {
  name: 'drill',
  summary: 'send steady traffic through a router, disable one provider part-way, re-enable it, report the loss',
  usage: [
    'drill --router URL --disable ID [--rate R] [--duration S] [--mode refuse|hang|503] [--config FILE] [--json]',
    'drill --router URL --disable ID --disable-cmd CMD --enable-cmd CMD [...]',
    'drill --router URL --disable ID --manual [--disable-cmd CMD --enable-cmd CMD] [...]',
  ],
  description: [
    'A failover drill proves that taking a provider away loses no request. It sends R requests per',
    'second (GET and POST in turn) through the router to an app whose order contains provider ID,',
    'disables the provider at 1/3 of the duration, re-enables it at 2/3, and reports: requests sent,',
    'failed (by kind: timeout, 5xx, 4xx, connection), how long traffic took to move off the provider,',
    'p50/p99 before, during and after, and whether traffic moved back once the provider returned',
    "(after the router's breaker cooldown: give --config so the report knows it, else the SPEC's",
    '30 s is assumed, which needs --duration of at least ~93 s). The verdict is on idempotent',
    'requests (GET): none may fail. POSTs are sent and counted too, but one may fail by design (with',
    'idempotent_only a write is not retried once sent), so their failures are reported, not judged.',
    '',
    'Before any traffic it checks the numbers, that the router answers GET /_config/route, that ID is',
    "one of its providers and in some app's order, and that the provider can be disabled; a refusal",
    'exits 1 with the reason. Ctrl-C stops early: the provider is re-enabled and a report printed.',
    '',
    'Local (hadoku-route dev / npm start): provider ID is a stack of the running dev; it is drained as',
    'a deployment is (its router restarted on the same port with ROUTE_DRAIN=true, then without),',
    "through dev's loopback control endpoint; send the traffic through another router. With",
    '`dev --standins` the providers are stand-ins, switched over POST /_standin/mode: refuse (stop',
    'listening), hang (accept, never answer) or 503.',
    '',
    'Deployed stacks: disabling means draining (ROUTE_DRAIN: every routed request answers 503, while',
    '/_config/route and /_router/health keep answering; --mode does not apply). Give the commands with',
    '--disable-cmd/--enable-cmd and the drill runs them at the right times (a deploy takes minutes:',
    'the provider counts as disabled from the moment the command starts), or --manual to have them',
    'printed for you (it waits for Enter on a terminal; without one it infers the timing from the',
    'answers). The documented commands:',
    `  Lambda stack:  ${DRAIN_COMMANDS.lambda.disable}`,
    `                 ${DRAIN_COMMANDS.lambda.enable}`,
    `  Worker:        ${DRAIN_COMMANDS.worker.disable}`,
    `                 ${DRAIN_COMMANDS.worker.enable}`,
    '',
    'Each phase also reports the mean upstream attempts per request (X-Route-Attempts) and how many',
    'answers were hedged, and the report says whether the router hedges the app (hedge_after_ms, from',
    'its /_config/route when it shows it, else from --config).',
    '',
    'Progress goes to stderr; stdout gets the report table, or with --json exactly one JSON object',
    '(sent, failed, failed_by_kind, failed_idempotent, shift_ms, moved_back, phases.{before,during,after}',
    'each with sent, failed, p50, p99 in ms, attempts_per_request, hedged and by_provider; hedging,',
    'timeline, notes) for CI.',
  ],
  options: {
    router: { type: 'string', valueName: 'URL', description: 'router to send traffic through, e.g. http://127.0.0.1:8787 (required)' },
    disable: { type: 'string', valueName: 'ID', description: "provider id to take out, as in the router's config (required)" },
    rate: {
      type: 'string',
      valueName: 'R',
      default: '20',
      description: `requests per second, ${DRILL_LIMITS.rate.min}-${DRILL_LIMITS.rate.max}`,
    },
    duration: {
      type: 'string',
      valueName: 'S',
      default: '120',
      description: `seconds of traffic, ${DRILL_LIMITS.durationS.min}-${DRILL_LIMITS.durationS.max}; the provider is out for the middle third`,
    },
    mode: {
      type: 'string',
      valueName: 'MODE',
      choices: DRILL_MODES,
      default: 'refuse',
      description: 'how a local stand-in fails (a local stack is always drained: 503, and hang is refused)',
    },
    config: {
      type: 'string',
      short: 'c',
      valueName: 'FILE',
      description: "the router's route-config.json, read for timeout_ms, breaker and hedge_after_ms (what the report judges by)",
    },
    path: {
      type: 'string',
      valueName: 'PATH',
      default: '/health',
      description: 'path sent after /<app>/api (the demo apps answer GET on /health)',
    },
    methods: {
      type: 'string',
      valueName: 'LIST',
      default: 'GET,POST',
      description: 'methods sent in turn, comma-separated (GET only for an app path that takes no POST)',
    },
    json: { type: 'boolean', description: 'print the report as one JSON object on stdout' },
    manual: { type: 'boolean', description: 'print the disable/enable commands for the operator instead of running them' },
    'disable-cmd': { type: 'string', valueName: 'CMD', description: "shell command that disables (drains) the provider's deployment" },
    'enable-cmd': { type: 'string', valueName: 'CMD', description: 'shell command that puts it back (goes with --disable-cmd)' },
  },
  examples: [
    {
      command: 'drill --router http://127.0.0.1:8787 --disable 2 --methods GET --config route-config.json',
      comment: 'local (npm start running): stack 2 drained for the middle 40 s of 2 min, traffic through the Express router',
    },
    {
      command: 'drill --router http://127.0.0.1:8788 --disable 1 --mode hang --rate 40 --duration 30 --json',
      comment: 'local (dev --standins): through the Worker router, stand-in 1 hangs; one JSON object for CI',
    },
    {
      command: `drill --router https://router.example.com --disable 3 --disable-cmd '${DRAIN_COMMANDS.lambda.disable}' --enable-cmd '${DRAIN_COMMANDS.lambda.enable}' --duration 600`,
      comment: 'deployed: drain the Lambda stack (provider 3) with cdk deploy, then restore it',
    },
    {
      command: 'drill --router https://router.example.com --disable 2 --manual --duration 300',
      comment: 'deployed: print the Worker/Lambda drain commands for you to run',
    },
  ],
  exitCodes: [ExitCode.ok, ExitCode.invalid],
  exitNotes: [
    ...exitCodesHelp([ExitCode.lost, ExitCode.disabler], 'drill').map((line) => line.trimStart()),
    '(0 = the drill passed; 1 covers every refusal before traffic)',
  ],
  async run(args, io) {
    // Ctrl-C stops the drill early: the provider is still re-enabled and a report printed.
    const stop = new AbortController();
    void io.untilStopped().then((signal) => {
      io.err(`drill: ${signal}: stopping early, re-enabling the provider`);
      stop.abort();
    });
    const report = await runDrill(await drillOptions(args, io, stop.signal));
    if (args.values.json === true) io.out(JSON.stringify(report));
    else for (const line of formatDrillReport(report).split('\n')) io.out(line);
    return report.failed_idempotent > 0 || report.sent === 0 ? ExitCode.lost : ExitCode.ok;
  },
};

/**
 * The {@link runDrill} call a command line asks for. The disabler is chosen by the flags:
 * `--disable-cmd` + `--enable-cmd` run those commands (deployed stacks); `--manual` prints them
 * (default: the documented drain commands) for the operator; without either, the provider must
 * be local (a stack of a running `dev`, or a stand-in of `dev --standins`).
 */
async function drillOptions(args: ParsedArgs, io: CliIo, signal: AbortSignal): Promise<DrillOptions> {
  const string = (name: string): string | undefined => args.values[name] as string | undefined;
  const router = string('router');
  const disable = string('disable');
  if (!router) throw new DrillInputError('drill: --router URL is required (the router to send traffic through)');
  if (!disable) throw new DrillInputError('drill: --disable ID is required (the provider id to take out)');
  const config = string('config');
  return {
    router,
    disable,
    rate: numberFlag('--rate', string('rate') ?? '20', DRILL_LIMITS.rate, 'requests per second'),
    durationS: numberFlag('--duration', string('duration') ?? '120', DRILL_LIMITS.durationS, 'seconds'),
    // The default means "the disabler's own": refuse for a stand-in, drained (503) for a local stack.
    mode: string('mode') === 'refuse' ? undefined : (string('mode') as DrillMode | undefined),
    disabler: chooseDisabler(args.values.manual === true, string('disable-cmd'), string('enable-cmd')),
    path: string('path'),
    methods: (string('methods') ?? 'GET,POST').split(',').map((m) => m.trim().toUpperCase()),
    log: (line) => io.err(line),
    signal,
    ...(config === undefined ? {} : await readRouterSettings(resolve(io.cwd, config), io.env)),
  };
}

function chooseDisabler(manual: boolean, disableCmd: string | undefined, enableCmd: string | undefined): Disabler {
  // With --manual the commands are only shown to the operator (default: the documented ones).
  if (manual) return manualDisabler({ disable: disableCmd, enable: enableCmd });
  if (disableCmd === undefined && enableCmd === undefined) return localDisabler();
  if (!disableCmd || !enableCmd) throw new DrillInputError('drill: --disable-cmd and --enable-cmd go together');
  return commandDisabler({ disable: disableCmd, enable: enableCmd });
}

/** A numeric flag; anything that is not a plain number is refused with the text as given. */
function numberFlag(name: string, value: string, limits: { min: number; max: number }, unit: string): number {
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value)) throw new OutOfBoundsError(name, value, limits.min, limits.max, unit);
  return Number(value);
}
