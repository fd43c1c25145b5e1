import { configWarnings } from '../../../shared/index.ts';
import type { Command } from '../command.ts';
import { flipScope, serializeConfig, setPriority } from '../editConfigText.ts';
import { UsageError } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { formatOrderChanges } from '../formatOrders.ts';
import { readExisting, tryValidateStored } from '../readStored.ts';
import { checkTargetFlags, confirmWrite, openStore, STORE_OPTIONS, WRITE_OPTIONS } from '../storeOptions.ts';
import { storedConfigNotes, validateStoredText } from '../validateStoredText.ts';

/** `hadoku-route flip <app|global> <priority>`: change one priority in a store, safely. */
export const flipCommand: Command = {
  name: 'flip',
  summary: "change one app's (or the global) provider order in the file, SSM or KV",
  usage: ['flip <app|global> <priority> [--target file|ssm|kv] [--dry-run] [--yes] [--create]'],
  description: [
    'Reads the config from the target, sets one priority, validates the result with the routers\'',
    'own validator, writes it, and prints every app\'s order before and after. A priority with an',
    'unknown or repeated provider id is refused with the reason, and nothing is written.',
    '',
    'file: written atomically (temp file + rename) as 2-space JSON, so a running router never sees',
    'half a file; it follows within 1 s. ssm: refused when the parameter changed since it was read;',
    'Lambdas follow within ROUTE_CONFIG_MAX_AGE. kv: through wrangler; Workers follow within',
    'ROUTE_CONFIG_MAX_AGE plus KV propagation (up to ~60 s).',
  ],
  positionals: [
    { name: 'app|global', description: "an app (the <app> of /<app>/api/...), or 'global' for global_priority" },
    { name: 'priority', description: 'provider ids, tried left to right, e.g. 21' },
  ],
  maxPositionals: 2,
  options: {
    ...STORE_OPTIONS,
    ...WRITE_OPTIONS,
    create: { type: 'boolean', description: 'add a route for an app that has none' },
  },
  examples: [
    { command: 'flip task 21', comment: 'task: provider 2 first, then 1 (./route-config.json)' },
    { command: 'flip global 12 --dry-run', comment: 'see what would change, write nothing' },
    { command: 'flip task 312 --target ssm --parameter /hadoku-route/route-config --yes', comment: 'flip the Lambda\'s SSM parameter from CI' },
    { command: 'flip watchparty 2 --target kv --local', comment: "flip wrangler's local KV (wrangler dev)" },
    { command: 'flip newapp 1 --create', comment: 'add a route for an app that has none' },
  ],
  async run(args, io) {
    checkTargetFlags('flip', args);
    const [scopeArg, priority] = args.positionals;
    if (scopeArg === undefined || priority === undefined) {
      throw new UsageError('flip: needs <app|global> and <priority>, e.g. `hadoku-route flip task 21`', { command: 'flip' });
    }
    const scope = flipScope('flip', scopeArg);
    const store = await openStore('flip', args, io);
    const current = await readExisting('flip', store);
    const before = tryValidateStored(current.text, io.env, store.label);
    const edited = setPriority('flip', current.text, scope, priority, Boolean(args.values.create));
    const text = serializeConfig(edited, current.text, store.target);
    const what = scope.kind === 'global' ? 'global_priority' : `routes.${scope.app}.priority`;
    const after = validateStoredText(text, io.env, `${what} = "${priority}" refused (nothing written)`);

    io.out(`${store.label} (version ${current.version}): ${what} -> "${priority}"`);
    if (!before) io.out('  (the stored config is not valid now; the flipped one is)');
    for (const line of formatOrderChanges(before?.config ?? null, after.config)) io.out(`  ${line}`);
    for (const note of storedConfigNotes(after, io.env)) io.err(note);
    for (const warning of configWarnings(text)) io.err(`warning: ${warning}`);
    if (text === current.text) {
      io.out('already so: nothing written');
      return ExitCode.ok;
    }
    if (args.values['dry-run']) {
      io.out('dry run: nothing written');
      return ExitCode.ok;
    }
    await confirmWrite('flip', store, args, io);
    const version = await store.write(text, current.version);
    io.out(`wrote ${store.label} (version ${version})`);
    return ExitCode.ok;
  },
};
