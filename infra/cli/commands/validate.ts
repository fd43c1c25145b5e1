import { resolve } from 'node:path';
import { appPriorityEnvName, configWarnings } from '../../../shared/index.ts';
import type { Command } from '../command.ts';
import { ExitCode } from '../exitCodes.ts';
import { formatOrders, formatProviders } from '../formatOrders.ts';
import { readConfigFile, validateConfigText } from '../loadConfigText.ts';

/** `hadoku-route validate [FILE]`: the routers' own validation, offline. */
export const validateCommand: Command = {
  name: 'validate',
  summary: "check a config with the routers' own validator and print each app's order",
  usage: ['validate [FILE] [--quiet]'],
  description: [
    'Validates FILE exactly as the routers do when they load it: unknown or repeated provider ids',
    'in a priority, providers that are not absolute http(s) URLs, unresolved ${VAR} tokens,',
    'unknown keys and wrong types are all reported at once, each naming its field.',
    '',
    '${VAR} tokens are filled from the environment (and .env). The emergency overrides are',
    'honoured and shown: ROUTE_PRIORITY replaces global_priority, <APP>_ROUTE_PRIORITY (app',
    'upper-cased, other characters as _) replaces that app\'s priority.',
    '',
    'A valid config over 4096 bytes is accepted with a warning: it no longer fits an SSM',
    'Standard parameter.',
  ],
  positionals: [{ name: 'FILE', description: 'config file [default: ./route-config.json]' }],
  maxPositionals: 1,
  options: {
    quiet: { type: 'boolean', short: 'q', description: 'print nothing when valid (errors still go to stderr)' },
  },
  examples: [
    { command: 'validate', comment: 'check ./route-config.json' },
    { command: 'validate staging.json', comment: 'check another file' },
    { command: 'validate && echo ok', comment: 'in a script: exit 0 means valid' },
    { command: 'validate   # with TASK_ROUTE_PRIORITY=31 set', comment: 'see what an env override would do' },
  ],
  async run(args, io) {
    const file = resolve(io.cwd, args.positionals[0] ?? './route-config.json');
    const text = await readConfigFile(file, 'the FILE argument');
    const config = validateConfigText(text, io.env, file);
    for (const warning of configWarnings(text)) io.err(`warning: ${warning}`);
    if (args.values.quiet) return ExitCode.ok;
    io.out(`${file}: valid (${config.bytes} bytes, version ${config.version})`);
    io.out('providers:');
    for (const line of formatProviders(config)) io.out(`  ${line}`);
    io.out('orders:');
    for (const line of formatOrders(config)) io.out(`  ${line}`);
    const overrides = envOverrides(io.env, [...config.routes.keys()]);
    if (overrides.length) io.out(`env overrides in effect: ${overrides.join(', ')}`);
    return ExitCode.ok;
  },
};

// Only the overrides that parseConfig honoured (non-empty, for an app the config lists).
function envOverrides(env: Record<string, string | undefined>, apps: string[]): string[] {
  const names = ['ROUTE_PRIORITY', ...apps.map(appPriorityEnvName)];
  return names.filter((name) => (env[name] ?? '').trim() !== '').map((name) => `${name}=${env[name]!.trim()}`);
}
