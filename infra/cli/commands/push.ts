import { resolve } from 'node:path';
import { configWarnings } from '../../../shared/index.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../../kit/errors.ts';
import { ExitCode } from '../../kit/exitCodes.ts';
import { formatOrderChanges } from '../formatOrders.ts';
import { jsonOrderChanges, jsonStore, jsonVariables, printJson, type JsonWriteResult } from '../jsonOutput.ts';
import { readConfigFile } from '../loadConfigText.ts';
import { tryValidateStored } from '../readStored.ts';
import { checkTargetFlags, confirmWrite, openStore, STORE_OPTIONS, WRITE_OPTIONS } from '../storeOptions.ts';
import { STRICT_OPTION } from '../strictOption.ts';
import { storedConfigNotes, validateStoredText } from '../validateStoredText.ts';

/** `hadoku-route push FILE`: upload a whole config, validated, showing what changes. */
export const pushCommand: Command = {
  name: 'push',
  summary: 'validate a config file and upload it whole to the file, SSM or KV',
  usage: ['push FILE [--target file|ssm|kv] [--stage NAME] [--dry-run] [--yes] [--strict] [--json]'],
  description: [
    "Validates FILE with the routers' own validator, prints how each app's order changes against",
    "what the target holds now, then writes FILE's text as it is. A store that holds nothing yet",
    'is created. SSM: refused when the parameter changed since it was read; a config over 4096',
    'bytes goes to the Advanced tier (with a warning). A ${VAR} not set here is checked with a',
    'placeholder, as in validate, and uploaded as the token; --strict makes it an error.',
  ],
  positionals: [{ name: 'FILE', description: 'the config to upload' }],
  maxPositionals: 1,
  options: {
    ...STORE_OPTIONS,
    ...WRITE_OPTIONS,
    strict: STRICT_OPTION,
    json: { type: 'boolean', description: "print one JSON document: store, file, result, versions, each app's order before and after" },
  },
  examples: [
    { command: 'push route-config.json --target ssm --stage prod', comment: 'upload to /hadoku-route/prod/route-config (asks first)' },
    { command: 'push route-config.json --target kv --local', comment: "seed wrangler's local KV for wrangler dev" },
    { command: 'push staging.json --target ssm --dry-run', comment: 'see the order changes only' },
  ],
  jsonErrors: true,
  async run(args, io) {
    checkTargetFlags('push', args);
    const fileArg = args.positionals[0];
    if (fileArg === undefined) {
      throw new UsageError('push: needs the FILE to upload, e.g. `hadoku-route push route-config.json --target ssm`', { command: 'push' });
    }
    const file = resolve(io.cwd, fileArg);
    const text = await readConfigFile(file, 'the FILE argument');
    const next = validateStoredText(text, io.env, `${file} (nothing written)`, { strict: Boolean(args.values.strict) });
    const store = await openStore('push', args, io);
    const current = await store.read();
    const before = current ? tryValidateStored(current.text, io.env, store.label) : null;
    const result: JsonWriteResult = current?.text === text ? 'unchanged' : args.values['dry-run'] ? 'dry-run' : 'written';
    const json = Boolean(args.values.json);

    if (!json) {
      io.out(`${store.label} (${current ? `version ${current.version}` : 'empty'}) <- ${file}`);
      if (current && !before) io.out('  (the stored config is not valid now)');
      for (const line of formatOrderChanges(before?.config ?? null, next.config)) io.out(`  ${line}`);
      for (const note of storedConfigNotes(next, io.env)) io.err(note);
      for (const warning of configWarnings(text)) io.err(`warning: ${warning}`);
      if (result !== 'written') io.out(result === 'unchanged' ? 'identical: nothing written' : 'dry run: nothing written');
    }
    let version = current?.version ?? null;
    if (result === 'written') {
      await confirmWrite('push', store, args, io);
      version = await store.write(text, current?.version ?? null);
      if (!json) io.out(`wrote ${store.label} (version ${version})`);
    }
    if (json) {
      const versions = { version_before: current?.version ?? null, version, valid_before: before !== null };
      const orders = jsonOrderChanges(before?.config ?? null, next.config);
      const shown = { orders, variables: jsonVariables(next.variables), warnings: configWarnings(text) };
      printJson(io, { ok: true, store: jsonStore(store), file, result, ...versions, ...shown });
    }
    return ExitCode.ok;
  },
};
