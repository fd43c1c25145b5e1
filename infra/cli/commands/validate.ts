import { resolve } from 'node:path';
import { appPriorityEnvName, configWarnings } from '../../../shared/index.ts';
import { checkHosting } from '../checkHosting.ts';
import type { Command } from '../command.ts';
import { ExitCode } from '../../kit/exitCodes.ts';
import { formatOrders, formatProviders, formatVariables } from '../formatOrders.ts';
import { jsonOrders, jsonProviders, jsonVariables, printJson } from '../jsonOutput.ts';
import { readConfigFile } from '../loadConfigText.ts';
import { STRICT_OPTION } from '../strictOption.ts';
import { storedConfigNotes, validateStoredText } from '../validateStoredText.ts';

/** `hadoku-route validate [FILE]`: the routers' own validation, offline. */
export const validateCommand: Command = {
  name: 'validate',
  summary: "check a config with the routers' own validator and print each app's order",
  usage: ['validate [FILE] [--strict] [--quiet] [--json]'],
  description: [
    'Validates FILE exactly as the routers do when they load it: unknown or repeated provider ids',
    'in a priority, providers that are not absolute http(s) URLs, unknown keys and wrong types',
    'are all reported at once, each naming its field.',
    '',
    '${VAR} tokens are filled from the environment (and .env). One that is not set here is',
    'checked with a placeholder and listed: each router must provide it in its own environment',
    '(Express: the shell or .env; Worker: vars or secrets; Lambda: its environment). --strict',
    'makes an unset ${VAR} an error. No value is ever printed: bases are shown as stored.',
    '',
    'The emergency overrides are honoured and shown: ROUTE_PRIORITY replaces global_priority,',
    "<APP>_ROUTE_PRIORITY (app upper-cased, other characters as _) replaces that app's priority.",
    '',
    'A valid config over 4096 bytes is accepted with a warning: it no longer fits an SSM',
    'Standard parameter.',
    '',
    'The app registry (apps/index.ts) is checked too: every name [a-z0-9-]+ with a fetch handler;',
    'ROUTE_APPS, when set, must name apps it has, and ROUTE_SELF a provider of FILE.',
  ],
  positionals: [{ name: 'FILE', description: 'config file [default: ./route-config.json]' }],
  maxPositionals: 1,
  options: {
    strict: STRICT_OPTION,
    quiet: { type: 'boolean', short: 'q', description: 'print nothing when valid (errors still go to stderr)' },
    json: { type: 'boolean', description: 'print one JSON document: file, bytes, version, providers, orders, variables (see README)' },
  },
  examples: [
    { command: 'validate', comment: 'check ./route-config.json' },
    { command: 'validate staging.json', comment: 'check another file' },
    { command: 'validate --strict && echo ok', comment: 'in a script: exit 0 means valid with every ${VAR} set here' },
    { command: 'validate --json | jq -c .orders', comment: 'in CI: read the orders without parsing prose' },
    { command: 'validate   # with TASK_ROUTE_PRIORITY=31 set', comment: 'see what an env override would do' },
  ],
  exitCodes: [ExitCode.ok, ExitCode.invalid],
  jsonErrors: true,
  async run(args, io) {
    const file = resolve(io.cwd, args.positionals[0] ?? './route-config.json');
    const text = await readConfigFile(file, 'the FILE argument');
    const checked = validateStoredText(text, io.env, file, { strict: Boolean(args.values.strict), overrides: true });
    const { config } = checked;
    checkHosting(io.env, config, file);
    const warnings = configWarnings(text);
    const overrides = envOverrides(io.env, [...config.routes.keys()]);
    if (args.values.json) {
      const variables = jsonVariables(checked.variables);
      const about = { file, bytes: config.bytes, version: config.version, providers: jsonProviders(config, text) };
      printJson(io, { ok: true, ...about, orders: jsonOrders(config), variables, overrides, warnings });
      return ExitCode.ok;
    }
    for (const note of storedConfigNotes(checked, io.env, { overrides: true })) io.err(note);
    for (const warning of warnings) io.err(`warning: ${warning}`);
    if (args.values.quiet) return ExitCode.ok;
    io.out(`${file}: valid (${config.bytes} bytes, version ${config.version})`);
    io.out('providers:');
    for (const line of formatProviders(config, text, checked.variables)) io.out(`  ${line}`);
    io.out('orders:');
    for (const line of formatOrders(config)) io.out(`  ${line}`);
    if (checked.variables.length) io.out(`variables every router must provide: ${formatVariables(checked.variables)}`);
    if (overrides.length) io.out(`env overrides in effect: ${overrides.map((o) => `${o.name}=${o.value}`).join(', ')}`);
    return ExitCode.ok;
  },
};

// Only the overrides that parseConfig honoured (non-empty, for an app the config lists). A
// priority is a string of provider ids, never a secret: its value is shown.
function envOverrides(env: Record<string, string | undefined>, apps: string[]): Array<{ name: string; value: string }> {
  const names = ['ROUTE_PRIORITY', ...apps.map(appPriorityEnvName)];
  return names.filter((name) => (env[name] ?? '').trim() !== '').map((name) => ({ name, value: env[name]!.trim() }));
}
