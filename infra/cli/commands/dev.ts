import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { apps as hostedApps } from '../../../apps/index.ts';
import type { RouteConfigSnapshot } from '../../../shared/index.ts';
import { startDevControl } from '../../hosts/devControl.ts';
import { STACKS, startTopology, type Topology } from '../../hosts/topology.ts';
import { liveView } from '../../drill/liveView.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../../kit/errors.ts';
import { ExitCode } from '../../kit/exitCodes.ts';
import { readEnvDefaults } from '../envDefaults.ts';
import type { CliIo } from '../../kit/io.ts';
import { readConfigFile, validateConfigText } from '../loadConfigText.ts';
import { portValue } from '../parseCommandArgs.ts';
import { loopbackPort } from '../../hosts/ports.ts';
import { RUNTIME_NAMES, type RuntimeName } from '../../hosts/types.ts';
import { stopWithin } from '../stopWithin.ts';
import { formatDevGuide } from '../dev/formatDevGuide.ts';
import { keepSignalListeners } from '../dev/keepSignals.ts';

/** The route-config.json shipped with the package: what `npm start` runs on out of the box. */
const PACKAGED_CONFIG = fileURLToPath(new URL('../../../route-config.json', import.meta.url));

/** App probed for the global order with stand-ins (not a route of the config, so `global_priority` decides). */
const GLOBAL_PROBE_APP = 'demo';

/** `hadoku-route dev` (what `npm start` runs): the whole topology on loopback, with a live view. */
export const devCommand: Command = {
  name: 'dev',
  summary: "run the seed's topology on loopback: the Express, Worker and Lambda stacks, each a router hosting the apps (npm start)",
  usage: ['dev [--config FILE] [--port N] [--runtime NAME ...] [--interval MS] [--log FILE] [--standins]'],
  description: [
    "Runs the seed's real topology with nothing to configure, over one config file: the Express",
    'router hosting the apps is provider 1, the Worker in local workerd is provider 2 (the file is put',
    'into its local KV), the bundled Lambda behind a local Function URL is provider 3 (the file stands',
    'in for SSM). Each router is also an entry point; LOCAL_BASE, WORKER_BASE and LAMBDA_BASE are',
    'pointed at them (ports --port, +1, +2 when free). An edit to the file reaches all three within',
    'about a second.',
    '',
    'It prints what runs where and what to try, then a live view of what a client gets for each app',
    'through each router, probed every --interval ms: redrawn in place on a terminal, printed when it',
    "changes otherwise. A cell reads '2' (stack 2 answered) or '1 (2: timeout) 2.5 s' (provider 2",
    'timed out, then 1 answered; the whole answer took 2.5 s).',
    '',
    '`hadoku-route drill --router URL --disable N` drains stack N while it runs: its router is',
    'restarted with ROUTE_DRAIN=true on the same port (503 for routed paths, drain: true in',
    '/_router/health), through a loopback control endpoint this command serves.',
    '',
    '--standins runs the fault-injection topology instead: three stand-in providers that fail on',
    'demand (503, hang, refuse; ports from .env, else .env.example 4001-4003) behind pure routers.',
    'Router request lines are kept off the screen (see --log). Ctrl-C stops every process it started.',
  ],
  options: {
    config: {
      type: 'string',
      short: 'c',
      valueName: 'FILE',
      default: './route-config.json',
      description: "route config (the package's own when ./route-config.json does not exist); edit it to flip",
    },
    port: {
      type: 'string',
      short: 'p',
      valueName: 'N',
      default: '8787',
      description: 'preferred port of the first router (the others take the next ones); 0 = any',
    },
    runtime: {
      type: 'string',
      short: 'r',
      valueName: 'NAME',
      multiple: true,
      choices: RUNTIME_NAMES,
      description: 'stack(s) / router runtime(s) to start [default: express, worker, lambda]',
    },
    interval: {
      type: 'string',
      valueName: 'MS',
      default: '1000',
      description: 'live view: pause between two probes of a cell, ms (100-60000)',
    },
    log: { type: 'string', valueName: 'FILE', description: "append every router's JSON log lines (one per request) to FILE" },
    standins: { type: 'boolean', description: 'stand-in providers (fail on demand) behind pure routers, for fault injection' },
  },
  examples: [
    { command: 'dev', comment: 'what `npm start` does: the Express, Worker and Lambda stacks, live view' },
    { command: 'dev --runtime express', comment: 'only stack 1 (starts in under a second; providers 2 and 3 refuse)' },
    { command: 'dev --standins', comment: 'stand-in providers 1-3 and the three routers in front of them' },
    { command: 'dev --port 9000 --log dev.log', comment: 'routers on 9000-9002 (or the next free ports), request lines in dev.log' },
    { command: 'dev | cat', comment: 'no terminal: the live view prints a new grid only when an answer changes' },
  ],
  async run(args, io) {
    const routerPort = portValue('dev', 'port', args.values.port);
    const intervalMs = intervalValue(args.values.interval);
    const runtimes: RuntimeName[] = [...new Set((args.values.runtime as RuntimeName[] | undefined) ?? RUNTIME_NAMES)];
    const standins = args.values.standins === true;
    let configPath = resolve(io.cwd, String(args.values.config));
    if (args.values.config === './route-config.json' && !existsSync(configPath)) configPath = PACKAGED_CONFIG;

    const env = { ...readEnvDefaults(), ...io.env };
    // Check the config against loopback-shaped URLs first, so a broken file fails before anything starts.
    const probeEnv = { ...env, ...Object.fromEntries(STACKS.map((s, i) => [s.envVar, `http://127.0.0.1:${4001 + i}`])) };
    // The orders it prints do not depend on the URLs, so this snapshot also drives the guide.
    const config = validateConfigText(await readConfigFile(configPath, '--config FILE'), probeEnv, configPath);

    const logFile = typeof args.values.log === 'string' ? createWriteStream(resolve(io.cwd, args.values.log), { flags: 'a' }) : undefined;
    const what = standins ? 'routers' : 'stacks';
    if (runtimes.length > 1) io.err(`dev: starting ${runtimes.join(', ')} ${what} (the worker and lambda take a few seconds)...`);
    let topology: Topology;
    try {
      topology = await startTopology({
        configPath,
        env,
        runtimes,
        standins,
        routerPort,
        standinPorts: Object.fromEntries(STACKS.map((s) => [s.id, loopbackPort(env[s.envVar])])),
        // The live view owns the terminal: request lines go to --log FILE or nowhere.
        log: logFile ? (line) => logFile.write(`${JSON.stringify(line)}\n`) : undefined,
      });
    } catch (error) {
      await closeLog(logFile);
      throw error;
    }
    await watchUntilStopped(io, topology, config, configPath, intervalMs);
    await closeLog(logFile);
    return ExitCode.ok;
  },
};

/**
 * Prints the table and the guide, serves the drill control (stacks only), runs the live view
 * until Ctrl-C, then stops everything it started.
 */
async function watchUntilStopped(
  io: CliIo,
  topology: Topology,
  config: RouteConfigSnapshot,
  configPath: string,
  intervalMs: number,
): Promise<void> {
  // Own Ctrl-C before printing: a test or a user reacting to the table must not hit the default
  // action (instant death, workerd orphaned). Not earlier: Miniflare hooks the signals while the
  // Worker starts, and untilStopped takes them back from it.
  const stopped = io.untilStopped();
  const reclaimSignals = keepSignalListeners();
  const control = topology.kind === 'stacks' ? await startDevControl({ stacks: topology.stacks, onChange: reclaimSignals }) : undefined;
  const header = (): string[] => [
    `hadoku-route dev: everything below runs on loopback; Ctrl-C stops it all.${control ? ` Drill control: ${control.url}` : ''}`,
    '',
    ...topology
      .table()
      .split('\n')
      .map((line) => `  ${line}`),
    '',
    'Try:',
    ...formatDevGuide(config, topology, configPath).map((line) => `  ${line}`),
  ];
  for (const line of header()) io.out(line);
  io.out('');
  const view = liveView(topology.routers, viewApps(config, topology.kind), {
    intervalMs,
    header,
    out: viewOutput(io),
    providers: topology.providerUrls,
    requestTimeoutMs: longestDeadline(config) + 1000,
  });

  const signal = await stopped;
  io.err(`dev: ${signal}, stopping everything`);
  await view.stop();
  await control?.close();
  await stopWithin([topology], 10_000, io);
}

/**
 * The apps the live view probes: the config's routes and the hosted apps. With stand-ins, also an
 * unlisted app, to show `global_priority`. Not on the stacks: no stack hosts an unlisted app, so
 * its probes would only ever loop to 508, and every 508 would count against a breaker.
 */
function viewApps(config: RouteConfigSnapshot, kind: Topology['kind']): string[] {
  if (kind === 'standins') return [...new Set([...config.routes.keys(), GLOBAL_PROBE_APP])];
  return [...new Set([...config.routes.keys(), ...Object.keys(hostedApps)])];
}

/** The longest `deadline_ms` of any app: the live view waits at least that long for an answer. */
function longestDeadline(config: RouteConfigSnapshot): number {
  return Math.max(config.unlisted.deadlineMs, ...[...config.routes.values()].map((r) => r.deadlineMs));
}

/** `--interval`: a whole number of ms the view can keep up with without flooding the routers. */
function intervalValue(raw: unknown): number {
  const text = String(raw);
  const ms = Number(text);
  if (!/^\d+$/.test(text) || ms < 100 || ms > 60_000) {
    throw new UsageError(`dev: --interval must be a number of milliseconds from 100 to 60000 (got '${text}')`, { command: 'dev' });
  }
  return ms;
}

/** The view writes whole frames ending in a newline; `io.out` adds its own. */
function viewOutput(io: CliIo): { write(text: string): void; isTTY: boolean } {
  return { write: (text) => io.out(text.replace(/\n$/, '')), isTTY: io.outIsTTY === true };
}

function closeLog(stream: WriteStream | undefined): Promise<void> {
  return new Promise((done) => (stream ? stream.end(done) : done()));
}
