import type { Command } from '../command.ts';
import { StoreSetupError, UsageError } from '../../kit/errors.ts';
import { ExitCode } from '../../kit/exitCodes.ts';
import { jsonOrders, jsonStore, printJson, type JsonOrder } from '../jsonOutput.ts';
import { openStore, STORE_OPTIONS } from '../storeOptions.ts';
import { STRICT_OPTION } from '../strictOption.ts';
import type { StoredVersion } from '../stores/configStore.ts';
import { validateStoredText } from '../validateStoredText.ts';

/** Only SSM keeps versions: history and rollback accept just that target. */
export const SSM_ONLY_OPTIONS = {
  target: {
    ...STORE_OPTIONS.target,
    choices: ['ssm'] as const,
    default: 'ssm',
    description: 'where the config lives (only SSM keeps versions)',
  },
  stage: STORE_OPTIONS.stage,
  parameter: STORE_OPTIONS.parameter,
};

/** One version as `history --json` prints it. */
export interface HistoryJsonVersion {
  version: string;
  /** ISO time it was written, `null` when the store does not say. */
  modified: string | null;
  author: string | null;
  current: boolean;
  valid: boolean;
  /** Each app's order, `null` when the version is not a valid config. */
  orders: JsonOrder[] | null;
  /** Why it is not valid, one error per line, field first (empty when valid). */
  errors: string[];
}

/** `hadoku-route history`: the SSM parameter's versions with their orders. */
export const historyCommand: Command = {
  name: 'history',
  summary: "list the SSM parameter's versions: time, author and each app's order",
  usage: ['history [--target ssm] [--stage NAME | --parameter NAME] [--limit N] [--strict] [--json]'],
  description: [
    'Lists the versions SSM keeps of the config parameter (newest last), each with when and by',
    'whom it was written and the per-app orders it held, so that a rollback target is easy to pick.',
    'A ${VAR} not set here is checked with a placeholder, as in validate; with --strict a version',
    'that uses one is listed as invalid.',
  ],
  options: {
    ...SSM_ONLY_OPTIONS,
    limit: { type: 'string', valueName: 'N', default: '10', description: 'show the newest N versions' },
    strict: STRICT_OPTION,
    json: { type: 'boolean', description: 'print one JSON document: store and each version with its time, author, validity and orders' },
  },
  examples: [
    { command: 'history --stage prod', comment: 'the last 10 versions of /hadoku-route/prod/route-config' },
    { command: 'history --limit 100', comment: 'every version SSM kept (parameter from ROUTE_CONFIG_PARAMETER)' },
    { command: "history --json | jq -r '.versions[] | select(.valid) | .version'", comment: 'in CI: versions a rollback could restore' },
  ],
  jsonErrors: true,
  async run(args, io) {
    const limit = Number(args.values.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new UsageError(`history: --limit must be a positive integer (got '${String(args.values.limit)}')`, { command: 'history' });
    }
    const store = await openStore('history', args, io);
    const all = await store.history!();
    if (all.length === 0) {
      const details = ['check --parameter / ROUTE_CONFIG_PARAMETER, or create it with push'];
      throw new StoreSetupError(`history: ${store.label} does not exist`, { details });
    }
    const last = all.at(-1)!;
    const versions = all.slice(-limit).map((v) => describeVersion(v, v === last, io.env, store.label, Boolean(args.values.strict)));
    if (args.values.json) {
      printJson(io, { ok: true, store: jsonStore(store), versions });
      return ExitCode.ok;
    }
    for (const v of versions) {
      io.out(`version ${v.version}  ${v.modified ?? 'unknown time'}${v.author ? `  ${v.author}` : ''}${v.current ? '  (current)' : ''}`);
      const orders = v.orders?.map((o) => `${o.app} ${o.order.join('') || '-'}`).join(', ');
      io.out(orders !== undefined ? `  ${orders}` : `  invalid: ${v.errors[0] ?? 'unknown'}`);
    }
    return ExitCode.ok;
  },
};

function describeVersion(
  v: StoredVersion,
  current: boolean,
  env: Record<string, string | undefined>,
  label: string,
  strict: boolean,
): HistoryJsonVersion {
  const about = { version: v.version, modified: v.modified?.toISOString() ?? null, author: v.author ?? null, current };
  try {
    const checked = validateStoredText(v.text, env, label, { strict });
    return { ...about, valid: true, orders: jsonOrders(checked.config), errors: [] };
  } catch (error) {
    const details = (error as { details?: readonly string[] }).details ?? [String((error as Error).message)];
    const errors = details.filter((d) => d.startsWith('- ')).map((d) => d.slice(2));
    return { ...about, valid: false, orders: null, errors: errors.length ? errors : [...details] };
  }
}
