import { resolve } from 'node:path';
import type { RouteConfigSnapshot } from '../../../shared/index.ts';
import { checkHosting } from '../checkHosting.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../../kit/errors.ts';
import { ExitCode } from '../../kit/exitCodes.ts';
import { readConfigFile, validateConfigText } from '../loadConfigText.ts';
import { portValue } from '../parseCommandArgs.ts';
import { RUNTIME_NAMES, type RuntimeName } from '../../hosts/types.ts';
import { startRuntime } from '../../hosts/startRuntime.ts';
import { stopWithin } from '../stopWithin.ts';

/** `hadoku-route serve`: one router runtime on loopback over a config file. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'run one router runtime (express, worker, lambda) locally over a config file',
  usage: [
    'serve [--runtime express|worker|lambda] [--config FILE] [--port N] [--host HOST] [--self ID] [--apps LIST | --no-apps] [--static DIR]',
  ],
  description: [
    'Starts the router on this machine with FILE as its config source and prints',
    '"listening on http://127.0.0.1:N" once it answers. Edits to FILE apply live: the express',
    'runtime watches the file (new requests follow within 1 s); for the worker FILE is put into',
    'the local KV, for the lambda it stands in for SSM (picked up within ROUTE_CONFIG_MAX_AGE + 1 s).',
    'An invalid FILE at start exits 1 listing every error with its field. Ctrl-C (SIGINT) or',
    'SIGTERM stops accepting at once, lets in-flight requests finish (at most the longest',
    'deadline_ms of the config), then closes the server and exits 0.',
    "Every runtime hosts the repository's apps (apps/index.ts) in-process: when --self ID (ROUTE_SELF)",
    "comes up in an app's order, this deployment's own copy answers that attempt, and a request sent",
    'by another router (X-No-Fallback: 1) is answered by it in one attempt. --apps narrows the hosted',
    'apps (ROUTE_APPS); --no-apps runs a pure router.',
  ],
  options: {
    runtime: {
      type: 'string',
      short: 'r',
      valueName: 'NAME',
      choices: RUNTIME_NAMES,
      default: 'express',
      description: 'which router runtime to run',
    },
    config: {
      type: 'string',
      short: 'c',
      valueName: 'FILE',
      default: './route-config.json',
      description: 'route config file (watched for edits)',
    },
    port: { type: 'string', short: 'p', valueName: 'N', default: '8787', description: 'port to listen on; 0 = any free port' },
    host: { type: 'string', valueName: 'HOST', default: '127.0.0.1', description: 'interface to bind' },
    self: { type: 'string', valueName: 'ID', description: "this deployment's provider id (sets ROUTE_SELF; self is never proxied to)" },
    apps: {
      type: 'string',
      valueName: 'LIST',
      description: 'host only these apps of apps/index.ts, comma-separated (sets ROUTE_APPS); default every app',
    },
    'no-apps': { type: 'boolean', description: 'host no app: a pure router (sets ROUTE_APPS=none)' },
    static: { type: 'string', valueName: 'DIR', description: 'serve files from DIR for paths that are not routed (express, worker)' },
    'persist-to': {
      type: 'string',
      valueName: 'DIR',
      description:
        'worker: keep the local KV in DIR (as wrangler --persist-to) so `flip --target kv --local --persist-to DIR` reaches it; default in memory',
    },
  },
  examples: [
    { command: 'serve', comment: 'the local Express router over ./route-config.json on port 8787' },
    {
      command: 'serve --runtime worker --config route-config.json --port 8788',
      comment: 'the Worker in local workerd, FILE seeded into the local KV',
    },
    { command: 'serve --self 1', comment: 'provider 1: its own copy of every app answers when 1 comes up in an order' },
    { command: 'serve --self 1 --apps watchparty', comment: 'host watchparty only; task attempts of provider 1 are skipped here' },
    { command: 'serve --no-apps', comment: 'a pure router in front of the providers' },
    { command: 'serve --port 0 --static ./dist', comment: 'any free port, static site for non-API paths' },
    {
      command: 'serve --runtime worker --persist-to .wrangler/state',
      comment: 'then `flip task 21 --target kv --local --persist-to .wrangler/state --yes` reaches it',
    },
    { command: 'serve & curl -i http://127.0.0.1:8787/_router/health', comment: 'check it answers' },
  ],
  exitCodes: [ExitCode.ok, ExitCode.invalid],
  async run(args, io) {
    const runtime = args.values.runtime as RuntimeName;
    const port = portValue('serve', 'port', args.values.port);
    const host = String(args.values.host);
    const self = args.values.self as string | undefined;
    if (self !== undefined && !/^[0-9A-Za-z]$/.test(self)) {
      throw new UsageError(`serve: --self must be one provider id, one character [0-9A-Za-z] (got '${self}')`, { command: 'serve' });
    }
    const staticArg = args.values.static as string | undefined;
    if (staticArg !== undefined && runtime === 'lambda') {
      throw new UsageError('serve: --static does not apply to --runtime lambda (a Lambda answers 404 for paths it does not route)', {
        command: 'serve',
      });
    }
    const persistArg = args.values['persist-to'] as string | undefined;
    if (persistArg !== undefined && runtime !== 'worker') {
      throw new UsageError('serve: --persist-to applies to --runtime worker only (the local KV folder)', { command: 'serve' });
    }
    const configPath = resolve(io.cwd, String(args.values.config));
    const env = { ...io.env, ...(self ? { ROUTE_SELF: self } : {}), ...appsEnv(args.values.apps, args.values['no-apps']) };
    // Check the file ourselves first: every runtime then refuses an invalid config the same way.
    const config = validateConfigText(await readConfigFile(configPath, '--config FILE'), env, configPath);
    checkHosting(env, config, configPath);

    const server = await startRuntime(
      runtime,
      {
        configPath,
        port,
        host,
        env,
        ...(self ? { self } : {}),
        ...(staticArg ? { staticDir: resolve(io.cwd, staticArg) } : {}),
        ...(persistArg ? { persistTo: resolve(io.cwd, persistArg) } : {}),
        log: (line) => io.out(JSON.stringify(line)),
      },
      'serve',
    );
    // Own the signals before saying we listen: whoever reacts to that line may stop us at once.
    const stopped = io.untilStopped();
    io.out(`listening on ${server.url}`);
    io.err(`serve: ${runtime} runtime, config ${configPath} (edits apply live); Ctrl-C to stop`);
    const signal = await stopped;
    io.err(`serve: ${signal}, closing`);
    // In-flight requests may finish (bounded by the longest deadline_ms), then everything closes.
    const graceMs = longestDeadlineMs(config);
    await stopWithin([{ close: () => server.close(graceMs) }], graceMs + 5000, io);
    return ExitCode.ok;
  },
};

/** `--apps LIST` / `--no-apps` as the `ROUTE_APPS` every runtime reads. */
function appsEnv(list: unknown, none: unknown): { ROUTE_APPS?: string } {
  if (none === true && list !== undefined) throw new UsageError('serve: --apps and --no-apps exclude each other', { command: 'serve' });
  if (none === true) return { ROUTE_APPS: 'none' };
  if (typeof list !== 'string') return {};
  if (list.trim() === '') throw new UsageError('serve: --apps needs at least one app name (or use --no-apps)', { command: 'serve' });
  return { ROUTE_APPS: list };
}

/** The longest `deadline_ms` of any route: no request in flight can need longer. */
function longestDeadlineMs(config: RouteConfigSnapshot): number {
  return Math.max(config.unlisted.deadlineMs, ...[...config.routes.values()].map((r) => r.deadlineMs));
}
