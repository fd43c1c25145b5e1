import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { liveView } from '../../dev/topology.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { readEnvDefaults } from '../envDefaults.ts';
import type { CliIo } from '../io.ts';
import { readConfigFile, validateConfigText } from '../loadConfigText.ts';
import { portValue } from '../parseCommandArgs.ts';
import { loopbackPort } from '../ports.ts';
import { RUNTIME_NAMES, type RuntimeName } from '../runtimes/types.ts';
import { stopWithin } from '../stopWithin.ts';
import { DEV_PROVIDERS, startDevTopology, type DevProcess, type DevTopology } from '../dev/devTopology.ts';
import { formatDevGuide, formatDevTable } from '../dev/formatDevGuide.ts';

/** The route-config.json shipped with the package: what `npm start` runs on out of the box. */
const PACKAGED_CONFIG = fileURLToPath(new URL('../../../route-config.json', import.meta.url));

/** App probed for the global order (not a route of the config, so `global_priority` decides). */
const GLOBAL_PROBE_APP = 'demo';

/** `hadoku-route dev` (what `npm start` runs): the whole topology on loopback, with a live view. */
export const devCommand: Command = {
  name: 'dev',
  summary: 'run the whole topology on loopback: three stand-ins, the Express, Worker and Lambda routers (npm start)',
  usage: ['dev [--config FILE] [--port N] [--runtime NAME ...] [--interval MS] [--log FILE]'],
  description: [
    'Runs a complete local setup with nothing to configure: three stand-in providers (each answers',
    '/<app>/api/... saying which provider it is, and can be told to fail) and one router per',
    'runtime over the same config: the Express router, the Worker in local workerd (the file is',
    'put into its local KV) and the bundled Lambda behind a local Function URL (the file stands in',
    'for SSM). An edit to the file reaches all three within about a second.',
    '',
    'It prints what runs where (each process beside its http://127.0.0.1:N URL) and what to try,',
    'then a live view of which provider answers each app through each router, probed every',
    '--interval ms: redrawn in place on a terminal, printed when it changes otherwise. A cell',
    "reads '1' (provider 1 answered) or '2 (1: 503)' (provider 1 failed with 503, 2 answered).",
    '',
    'LOCAL_BASE, WORKER_BASE and LAMBDA_BASE are pointed at the stand-ins; their ports come from',
    '.env, else .env.example (4001-4003), else any free port. Routers prefer --port, +1, +2. Other',
    "variables the config needs default to .env.example's values. Router request lines are kept",
    'off the screen (see --log). Ctrl-C stops every process it started.',
  ],
  options: {
    config: {
      type: 'string',
      short: 'c',
      valueName: 'FILE',
      default: './route-config.json',
      description: "route config (the package's own when ./route-config.json does not exist); edit it to flip",
    },
    port: { type: 'string', short: 'p', valueName: 'N', default: '8787', description: 'preferred port of the first router (the others take the next ones); 0 = any' },
    runtime: {
      type: 'string',
      short: 'r',
      valueName: 'NAME',
      multiple: true,
      choices: RUNTIME_NAMES,
      description: 'router runtime(s) to start in front of the stand-ins [default: express, worker, lambda]',
    },
    interval: { type: 'string', valueName: 'MS', default: '1000', description: 'live view refresh period in ms (100-60000)' },
    log: { type: 'string', valueName: 'FILE', description: "append every router's JSON log lines (one per request) to FILE" },
  },
  examples: [
    { command: 'dev', comment: 'what `npm start` does: stand-ins, Express, Worker and Lambda routers, live view' },
    { command: 'dev --runtime express', comment: 'only the Express router (starts in under a second)' },
    { command: 'dev --port 9000 --log dev.log', comment: 'routers on 9000-9002 (or the next free ports), request lines in dev.log' },
    { command: 'dev | cat', comment: 'no terminal: the live view prints a new grid only when an answer changes' },
  ],
  async run(args, io) {
    const routerPort = portValue('dev', 'port', args.values.port);
    const intervalMs = intervalValue(args.values.interval);
    const runtimes: RuntimeName[] = [...new Set((args.values.runtime as RuntimeName[] | undefined) ?? RUNTIME_NAMES)];
    let configPath = resolve(io.cwd, String(args.values.config));
    if (args.values.config === './route-config.json' && !existsSync(configPath)) configPath = PACKAGED_CONFIG;

    const defaults = readEnvDefaults();
    const baseEnv = { ...defaults, ...io.env };
    const providerPorts = Object.fromEntries(DEV_PROVIDERS.map((p) => [p.id, loopbackPort(baseEnv[p.envVar])]));
    // Check the config against stand-in-shaped URLs first, so a broken file fails before anything starts.
    const probeEnv = { ...baseEnv, ...Object.fromEntries(DEV_PROVIDERS.map((p) => [p.envVar, `http://127.0.0.1:${p.defaultPort}`])) };
    // The orders it prints do not depend on the URLs, so this snapshot also drives the guide.
    const config = validateConfigText(await readConfigFile(configPath, '--config FILE'), probeEnv, configPath);

    const logFile = typeof args.values.log === 'string' ? createWriteStream(resolve(io.cwd, args.values.log), { flags: 'a' }) : undefined;
    if (runtimes.length > 1) io.err(`dev: starting ${runtimes.join(', ')} routers (the worker and lambda take a few seconds)...`);
    let topology: DevTopology;
    try {
      topology = await startDevTopology({
        host: '127.0.0.1',
        configPath,
        env: baseEnv,
        providerPorts,
        runtimes,
        routerPort,
        // The live view owns the terminal: request lines go to --log FILE or nowhere.
        log: logFile ? (line) => logFile.write(`${JSON.stringify(line)}\n`) : undefined,
      });
    } catch (error) {
      await closeLog(logFile);
      throw error;
    }
    // Own Ctrl-C before printing: a test or a user reacting to the table must not hit the default
    // action (instant death, stand-ins and workerd orphaned). Not earlier: Miniflare hooks the
    // signals while the Worker starts, and untilStopped takes them back from it.
    const stopped = io.untilStopped();
    const header = [
      'hadoku-route dev: everything below runs on loopback; Ctrl-C stops it all.',
      '',
      ...formatDevTable(topology.processes, configPath).map((line) => `  ${line}`),
      '',
      'Try:',
      ...formatDevGuide(config, topology.processes, configPath).map((line) => `  ${line}`),
    ];
    for (const line of header) io.out(line);
    io.out('');

    const routers = topology.processes.filter((p) => p.kind === 'router');
    const apps = [...config.routes.keys()];
    if (!apps.includes(GLOBAL_PROBE_APP)) apps.push(GLOBAL_PROBE_APP);
    const view = liveView(
      routers.map((r) => ({ name: r.name, url: r.url })),
      apps,
      { intervalMs, header, out: viewOutput(io), providers: standinUrls(topology.processes) },
    );

    const signal = await stopped;
    io.err(`dev: ${signal}, stopping everything`);
    await view.stop();
    // Routers first so none is left proxying to a stand-in that is already gone.
    await stopWithin([...topology.processes].reverse(), 5000, io);
    await closeLog(logFile);
    return ExitCode.ok;
  },
};

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

/** Provider id -> stand-in URL, so a URL-valued `X-Backend-Source` still reads as an id. */
function standinUrls(processes: readonly DevProcess[]): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const spec of DEV_PROVIDERS) {
    const process = processes.find((p) => p.kind === 'provider' && p.note === spec.envVar);
    if (process) urls[spec.id] = process.url;
  }
  return urls;
}

function closeLog(stream: WriteStream | undefined): Promise<void> {
  return new Promise((done) => (stream ? stream.end(done) : done()));
}
