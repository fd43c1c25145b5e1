import type { Command } from '../command.ts';
import { ExitCode } from '../exitCodes.ts';
import { formatOrders, formatProviders } from '../formatOrders.ts';
import { readExisting } from '../readStored.ts';
import { checkTargetFlags, openStore, STORE_OPTIONS } from '../storeOptions.ts';
import { storedConfigNotes, validateStoredText } from '../validateStoredText.ts';

/** `hadoku-route show`: what a store holds, as orders. */
export const showCommand: Command = {
  name: 'show',
  summary: 'print the stored config of the file, SSM or KV: version, providers, each app\'s order',
  usage: ['show [--target file|ssm|kv] [--json]'],
  description: [
    'Reads the config from the target and prints the store\'s version, the providers and each app\'s',
    'order and where it comes from (its route, or global_priority for apps without one). Priority',
    'overrides set in a router\'s environment are not in the store: GET /_config/route on a running',
    'router shows its effective routing. An invalid stored config exits 1 listing every error.',
  ],
  options: {
    ...STORE_OPTIONS,
    json: { type: 'boolean', description: 'print the stored text itself (as stored), nothing else' },
  },
  examples: [
    { command: 'show', comment: 'what ./route-config.json says' },
    { command: 'show --target ssm --parameter /hadoku-route/route-config', comment: 'what the Lambdas read' },
    { command: 'show --target kv --local --json > kv.json', comment: "save wrangler's local KV value" },
  ],
  async run(args, io) {
    checkTargetFlags('show', args);
    const store = await openStore('show', args, io);
    const current = await readExisting('show', store);
    if (args.values.json) {
      io.out(current.text.replace(/\n$/, ''));
      return ExitCode.ok;
    }
    const checked = validateStoredText(current.text, io.env, store.label);
    const modified = current.modified ? `, modified ${current.modified.toISOString()}` : '';
    io.out(`${store.label}: version ${current.version}${modified}, ${checked.config.bytes} bytes`);
    io.out('providers:');
    const raw = (JSON.parse(current.text) as { providers?: Record<string, unknown> }).providers;
    for (const line of formatProviders(checked.config, raw, checked.placeholders)) io.out(`  ${line}`);
    io.out('orders:');
    for (const line of formatOrders(checked.config, { sources: false })) io.out(`  ${line}`);
    for (const note of storedConfigNotes(checked, io.env)) io.err(note);
    return ExitCode.ok;
  },
};
