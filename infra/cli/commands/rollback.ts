import type { Command } from '../command.ts';
import { StoreSetupError, UsageError } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { formatOrderChanges } from '../formatOrders.ts';
import { tryValidateStored } from '../readStored.ts';
import { confirmWrite, openStore, WRITE_OPTIONS } from '../storeOptions.ts';
import { validateStoredText } from '../validateStoredText.ts';
import { SSM_ONLY_OPTIONS } from './history.ts';

/** `hadoku-route rollback`: re-put an earlier SSM version's value as a new version. */
export const rollbackCommand: Command = {
  name: 'rollback',
  summary: 'put an earlier SSM version\'s value back as a new version (validated)',
  usage: ['rollback [--target ssm] [--parameter NAME] [--to VERSION] [--dry-run] [--yes]'],
  description: [
    'Takes the value of an earlier version of the config parameter (the one before the current',
    'version, or --to VERSION), validates it, prints how each app\'s order changes, and puts it as',
    'a new version: history is never rewritten, so a rollback can itself be rolled back. Refused',
    'when the parameter changed since it was read.',
  ],
  options: {
    ...SSM_ONLY_OPTIONS,
    to: { type: 'string', valueName: 'VERSION', description: 'the version to restore [default: the one before the current]' },
    ...WRITE_OPTIONS,
  },
  examples: [
    { command: 'rollback --parameter /hadoku-route/route-config', comment: 'undo the last change (asks first)' },
    { command: 'rollback --to 7 --yes', comment: 'restore version 7 from CI' },
    { command: 'rollback --to 7 --dry-run', comment: 'see what version 7 would change' },
  ],
  async run(args, io) {
    const store = await openStore('rollback', args, io);
    const versions = await store.history!();
    const current = versions.at(-1);
    if (!current) throw new StoreSetupError(`rollback: ${store.label} does not exist`, { details: ['check --parameter / ROUTE_CONFIG_PARAMETER'] });
    const to = args.values.to as string | undefined;
    const target = to === undefined ? versions.at(-2) : versions.find((v) => v.version === to);
    if (!target) {
      throw new UsageError(
        to === undefined
          ? `rollback: ${store.label} has only one version; there is nothing to roll back to`
          : `rollback: ${store.label} has no version ${to} (kept: ${versions.map((v) => v.version).join(', ')})`,
        { command: 'rollback' },
      );
    }
    const next = validateStoredText(target.text, io.env, `version ${target.version} (nothing written)`);
    const before = tryValidateStored(current.text, io.env, store.label);
    io.out(`${store.label}: version ${current.version} -> value of version ${target.version}`);
    for (const line of formatOrderChanges(before?.config ?? null, next.config)) io.out(`  ${line}`);
    if (target.text === current.text) {
      io.out(`version ${current.version} already holds that value: nothing written`);
      return ExitCode.ok;
    }
    if (args.values['dry-run']) {
      io.out('dry run: nothing written');
      return ExitCode.ok;
    }
    await confirmWrite('rollback', store, args, io);
    const version = await store.write(target.text, current.version);
    io.out(`wrote ${store.label} (version ${version}, the value of version ${target.version})`);
    return ExitCode.ok;
  },
};
