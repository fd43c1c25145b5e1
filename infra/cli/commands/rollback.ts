import type { Command } from '../command.ts';
import { StoreSetupError, UsageError } from '../../kit/errors.ts';
import { ExitCode } from '../../kit/exitCodes.ts';
import { formatOrderChanges } from '../formatOrders.ts';
import { jsonOrderChanges, jsonStore, jsonVariables, printJson, type JsonWriteResult } from '../jsonOutput.ts';
import { tryValidateStored } from '../readStored.ts';
import { confirmWrite, openStore, WRITE_OPTIONS } from '../storeOptions.ts';
import { STRICT_OPTION } from '../strictOption.ts';
import type { StoredVersion } from '../stores/configStore.ts';
import { storedConfigNotes, validateStoredText } from '../validateStoredText.ts';
import { SSM_ONLY_OPTIONS } from './history.ts';

/** `hadoku-route rollback`: re-put an earlier SSM version's value as a new version. */
export const rollbackCommand: Command = {
  name: 'rollback',
  summary: "put an earlier SSM version's value back as a new version (validated)",
  usage: ['rollback [--target ssm] [--stage NAME | --parameter NAME] [--to VERSION] [--dry-run] [--yes] [--strict] [--json]'],
  description: [
    'Takes the value of an earlier version of the config parameter (the one before the current',
    "version, or --to VERSION), validates it, prints how each app's order changes, and puts it as",
    'a new version: history is never rewritten, so a rollback can itself be rolled back. Refused',
    'when the parameter changed since it was read. A ${VAR} not set here is checked with a',
    'placeholder, as in validate; --strict makes it an error.',
  ],
  options: {
    ...SSM_ONLY_OPTIONS,
    to: { type: 'string', valueName: 'VERSION', description: 'the version to restore [default: the one before the current]' },
    ...WRITE_OPTIONS,
    strict: STRICT_OPTION,
    json: { type: 'boolean', description: 'print one JSON document: store, restored version, result, versions, order changes' },
  },
  examples: [
    { command: 'rollback --stage prod', comment: 'undo the last change to /hadoku-route/prod/route-config (asks first)' },
    { command: 'rollback --to 7 --yes', comment: 'restore version 7 from CI' },
    { command: 'rollback --to 7 --dry-run --json', comment: 'see what version 7 would change, as JSON' },
  ],
  jsonErrors: true,
  async run(args, io) {
    const store = await openStore('rollback', args, io);
    const versions = await store.history!();
    const current = versions.at(-1);
    if (!current) {
      throw new StoreSetupError(`rollback: ${store.label} does not exist`, { details: ['check --parameter / ROUTE_CONFIG_PARAMETER'] });
    }
    const target = pickTarget(versions, args.values.to as string | undefined, store.label);
    const strict = Boolean(args.values.strict);
    const next = validateStoredText(target.text, io.env, `version ${target.version} (nothing written)`, { strict });
    const before = tryValidateStored(current.text, io.env, store.label);
    const result: JsonWriteResult = target.text === current.text ? 'unchanged' : args.values['dry-run'] ? 'dry-run' : 'written';
    const json = Boolean(args.values.json);
    if (!json) {
      io.out(`${store.label}: version ${current.version} -> value of version ${target.version}`);
      for (const line of formatOrderChanges(before?.config ?? null, next.config)) io.out(`  ${line}`);
      for (const note of storedConfigNotes(next, io.env)) io.err(note);
      if (result === 'unchanged') io.out(`version ${current.version} already holds that value: nothing written`);
      if (result === 'dry-run') io.out('dry run: nothing written');
    }
    let version = current.version;
    if (result === 'written') {
      await confirmWrite('rollback', store, args, io);
      version = await store.write(target.text, current.version);
      if (!json) io.out(`wrote ${store.label} (version ${version}, the value of version ${target.version})`);
    }
    if (json) {
      const versionsShown = { restored_version: target.version, version_before: current.version, version };
      const shown = { orders: jsonOrderChanges(before?.config ?? null, next.config), variables: jsonVariables(next.variables) };
      printJson(io, { ok: true, store: jsonStore(store), result, ...versionsShown, ...shown });
    }
    return ExitCode.ok;
  },
};

/** The version to restore: `--to`, else the one before the current. */
function pickTarget(versions: readonly StoredVersion[], to: string | undefined, label: string): StoredVersion {
  const target = to === undefined ? versions.at(-2) : versions.find((v) => v.version === to);
  if (target) return target;
  throw new UsageError(
    to === undefined
      ? `rollback: ${label} has only one version; there is nothing to roll back to`
      : `rollback: ${label} has no version ${to} (kept: ${versions.map((v) => v.version).join(', ')})`,
    { command: 'rollback' },
  );
}
