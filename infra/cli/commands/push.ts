import { resolve } from 'node:path';
import { configWarnings } from '../../../shared/index.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { formatOrderChanges } from '../formatOrders.ts';
import { readConfigFile } from '../loadConfigText.ts';
import { tryValidateStored } from '../readStored.ts';
import { checkTargetFlags, confirmWrite, openStore, STORE_OPTIONS, WRITE_OPTIONS } from '../storeOptions.ts';
import { storedConfigNotes, validateStoredText } from '../validateStoredText.ts';

/** `hadoku-route push FILE`: upload a whole config, validated, showing what changes. */
export const pushCommand: Command = {
  name: 'push',
  summary: 'validate a config file and upload it whole to the file, SSM or KV',
  usage: ['push FILE [--target file|ssm|kv] [--dry-run] [--yes]'],
  description: [
    'Validates FILE with the routers\' own validator, prints how each app\'s order changes against',
    'what the target holds now, then writes FILE\'s text as it is. A store that holds nothing yet',
    'is created. SSM: refused when the parameter changed since it was read; a config over 4096',
    'bytes goes to the Advanced tier (with a warning).',
  ],
  positionals: [{ name: 'FILE', description: 'the config to upload' }],
  maxPositionals: 1,
  options: { ...STORE_OPTIONS, ...WRITE_OPTIONS },
  examples: [
    { command: 'push route-config.json --target ssm --parameter /hadoku-route/route-config', comment: 'upload to SSM (asks first)' },
    { command: 'push route-config.json --target kv --local', comment: "seed wrangler's local KV for wrangler dev" },
    { command: 'push staging.json --target ssm --dry-run', comment: 'see the order changes only' },
  ],
  async run(args, io) {
    checkTargetFlags('push', args);
    const fileArg = args.positionals[0];
    if (fileArg === undefined) throw new UsageError('push: needs the FILE to upload, e.g. `hadoku-route push route-config.json --target ssm`', { command: 'push' });
    const file = resolve(io.cwd, fileArg);
    const text = await readConfigFile(file, 'the FILE argument');
    const next = validateStoredText(text, io.env, `${file} (nothing written)`);
    const store = await openStore('push', args, io);
    const current = await store.read();
    const before = current ? tryValidateStored(current.text, io.env, store.label) : null;

    io.out(`${store.label} (${current ? `version ${current.version}` : 'empty'}) <- ${file}`);
    if (current && !before) io.out('  (the stored config is not valid now)');
    for (const line of formatOrderChanges(before?.config ?? null, next.config)) io.out(`  ${line}`);
    for (const note of storedConfigNotes(next, io.env)) io.err(note);
    for (const warning of configWarnings(text)) io.err(`warning: ${warning}`);
    if (current?.text === text) {
      io.out('identical: nothing written');
      return ExitCode.ok;
    }
    if (args.values['dry-run']) {
      io.out('dry run: nothing written');
      return ExitCode.ok;
    }
    await confirmWrite('push', store, args, io);
    const version = await store.write(text, current?.version ?? null);
    io.out(`wrote ${store.label} (version ${version})`);
    return ExitCode.ok;
  },
};
