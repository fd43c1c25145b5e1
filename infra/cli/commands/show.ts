import { configWarnings } from '../../../shared/index.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../../kit/errors.ts';
import { ExitCode } from '../../kit/exitCodes.ts';
import { formatOrders, formatProviders, formatVariables } from '../formatOrders.ts';
import { jsonOrders, jsonProviders, jsonStore, jsonVariables, printJson } from '../jsonOutput.ts';
import { readExisting } from '../readStored.ts';
import { checkTargetFlags, openStore, STORE_OPTIONS } from '../storeOptions.ts';
import { STRICT_OPTION } from '../strictOption.ts';
import { storedConfigNotes, validateStoredText } from '../validateStoredText.ts';

/** `hadoku-route show`: what a store holds, as orders. */
export const showCommand: Command = {
  name: 'show',
  summary: "print the stored config of the file, SSM or KV: version, providers, each app's order",
  usage: ['show [--target file|ssm|kv] [--stage NAME] [--strict] [--json | --raw]'],
  description: [
    "Reads the config from the target and prints the store's version, the providers (as stored:",
    'a ${VAR} is never shown filled in) and each app\'s order, "*" being the order of apps without',
    "a route (global_priority). Priority overrides set in a router's environment are not in the",
    'store: GET /_config/route on a running router shows its effective routing. An invalid stored',
    'config exits 1 listing every error. A ${VAR} not set here is checked with a placeholder, as',
    'in validate; --strict makes it an error.',
  ],
  options: {
    ...STORE_OPTIONS,
    strict: STRICT_OPTION,
    json: { type: 'boolean', description: 'print one JSON document: store, version, modified, bytes, providers, orders, variables' },
    raw: { type: 'boolean', description: 'print the stored text itself (as stored), nothing else, not validated' },
  },
  examples: [
    { command: 'show', comment: 'what ./route-config.json says' },
    { command: 'show --target ssm --stage prod', comment: 'what the prod Lambdas read' },
    { command: 'show --target ssm --json | jq -r .version', comment: "in CI: the parameter's version" },
    { command: 'show --target kv --local --raw > kv.json', comment: "save wrangler's local KV value" },
  ],
  jsonErrors: true,
  async run(args, io) {
    checkTargetFlags('show', args);
    if (args.values.json && args.values.raw) {
      throw new UsageError('show: --json and --raw are two different outputs; pick one', { command: 'show' });
    }
    const store = await openStore('show', args, io);
    const current = await readExisting('show', store);
    if (args.values.raw) {
      io.out(current.text.replace(/\n$/, ''));
      return ExitCode.ok;
    }
    const checked = validateStoredText(current.text, io.env, store.label, { strict: Boolean(args.values.strict) });
    const { config } = checked;
    const modified = current.modified?.toISOString() ?? null;
    if (args.values.json) {
      const variables = jsonVariables(checked.variables);
      const shown = { providers: jsonProviders(config, current.text), orders: jsonOrders(config), variables };
      const about = { store: jsonStore(store), version: current.version, modified, bytes: config.bytes };
      printJson(io, { ok: true, ...about, ...shown, warnings: configWarnings(current.text) });
      return ExitCode.ok;
    }
    io.out(`${store.label}: version ${current.version}${modified ? `, modified ${modified}` : ''}, ${config.bytes} bytes`);
    io.out('providers:');
    for (const line of formatProviders(config, current.text, checked.variables)) io.out(`  ${line}`);
    io.out('orders:');
    for (const line of formatOrders(config, { sources: false })) io.out(`  ${line}`);
    if (checked.variables.length) io.out(`variables every router must provide: ${formatVariables(checked.variables)}`);
    for (const note of storedConfigNotes(checked, io.env)) io.err(note);
    return ExitCode.ok;
  },
};
