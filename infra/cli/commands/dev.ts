import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { Command } from '../command.ts';
import { ExitCode } from '../exitCodes.ts';
import { readEnvDefaults } from '../envDefaults.ts';
import { readConfigFile, validateConfigText } from '../loadConfigText.ts';
import { portValue } from '../parseCommandArgs.ts';
import { loopbackPort } from '../ports.ts';
import { RUNTIME_NAMES, type RuntimeName } from '../runtimes/types.ts';
import { stopWithin } from '../stopWithin.ts';
import { DEV_PROVIDERS, startDevTopology } from '../dev/devTopology.ts';
import { formatDevGuide, formatDevTable } from '../dev/formatDevGuide.ts';

/** The route-config.json shipped with the package: what `npm start` runs on out of the box. */
const PACKAGED_CONFIG = fileURLToPath(new URL('../../../route-config.json', import.meta.url));

/** `hadoku-route dev` (what `npm start` runs): stand-in providers plus the router, on loopback. */
export const devCommand: Command = {
  name: 'dev',
  summary: 'start three stand-in providers and the router on loopback (what npm start runs)',
  usage: ['dev [--config FILE] [--port N] [--runtime NAME ...]'],
  description: [
    'Runs a complete local setup with nothing to configure: three stand-in providers (each answers',
    '/<app>/api/... saying which provider it is, and can be told to fail) and the router over the',
    'config, then prints what runs where and what to try. LOCAL_BASE, WORKER_BASE and LAMBDA_BASE',
    'are pointed at the stand-ins; their ports come from .env, else .env.example (4001-4003),',
    'else any free port. Other variables the config needs default to .env.example\'s values.',
    'Ctrl-C stops everything.',
  ],
  options: {
    config: {
      type: 'string',
      short: 'c',
      valueName: 'FILE',
      default: './route-config.json',
      description: "route config (the package's own when ./route-config.json does not exist); edit it to flip",
    },
    port: { type: 'string', short: 'p', valueName: 'N', default: '8787', description: 'first port tried for the router (the next free one of ten, else any); 0 = any' },
    runtime: {
      type: 'string',
      short: 'r',
      valueName: 'NAME',
      multiple: true,
      choices: RUNTIME_NAMES,
      description: 'router runtime(s) in front of the stand-ins [default: express]',
    },
  },
  examples: [
    { command: 'dev', comment: 'what `npm start` does' },
    { command: 'dev --port 9000', comment: 'router on 9000 (or the next free port)' },
    { command: 'dev --runtime express --runtime worker', comment: 'two routers over the same stand-ins and config' },
  ],
  async run(args, io) {
    const routerPort = portValue('dev', 'port', args.values.port);
    const runtimes: RuntimeName[] = [...new Set((args.values.runtime as RuntimeName[] | undefined) ?? ['express' as const])];
    let configPath = resolve(io.cwd, String(args.values.config));
    if (args.values.config === './route-config.json' && !existsSync(configPath)) configPath = PACKAGED_CONFIG;

    const defaults = readEnvDefaults();
    const baseEnv = { ...defaults, ...io.env };
    const providerPorts = Object.fromEntries(DEV_PROVIDERS.map((p) => [p.id, loopbackPort(baseEnv[p.envVar])]));
    // Check the config against stand-in-shaped URLs first, so a broken file fails before anything starts.
    const probeEnv = { ...baseEnv, ...Object.fromEntries(DEV_PROVIDERS.map((p) => [p.envVar, `http://127.0.0.1:${p.defaultPort}`])) };
    // The orders it prints do not depend on the URLs, so this snapshot also drives the guide.
    const config = validateConfigText(await readConfigFile(configPath, '--config FILE'), probeEnv, configPath);

    const topology = await startDevTopology({ host: '127.0.0.1', configPath, env: baseEnv, providerPorts, runtimes, routerPort });
    io.out('hadoku-route dev: everything below runs on loopback; Ctrl-C stops it all.');
    io.out('');
    for (const line of formatDevTable(topology.processes, configPath)) io.out(`  ${line}`);
    io.out('');
    io.out('Try:');
    for (const line of formatDevGuide(config, topology.processes, configPath)) io.out(`  ${line}`);
    io.out('');
    const signal = await io.untilStopped();
    io.err(`dev: ${signal}, stopping everything`);
    // Routers first so none is left proxying to a stand-in that is already gone.
    await stopWithin([...topology.processes].reverse(), 5000, io);
    return ExitCode.ok;
  },
};
