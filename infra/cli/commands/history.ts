import { describeOrders } from '../../../shared/index.ts';
import type { Command } from '../command.ts';
import { StoreSetupError, UsageError } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { openStore, STORE_OPTIONS } from '../storeOptions.ts';
import { tryValidateStored } from '../readStored.ts';
import { validateStoredText } from '../validateStoredText.ts';

/** Only SSM keeps versions: history and rollback accept just that target. */
export const SSM_ONLY_OPTIONS = {
  target: { ...STORE_OPTIONS.target, choices: ['ssm'] as const, default: 'ssm', description: 'where the config lives (only SSM keeps versions)' },
  parameter: STORE_OPTIONS.parameter,
};

/** `hadoku-route history`: the SSM parameter's versions with their orders. */
export const historyCommand: Command = {
  name: 'history',
  summary: 'list the SSM parameter\'s versions: time, author and each app\'s order',
  usage: ['history [--target ssm] [--parameter NAME] [--limit N]'],
  description: [
    'Lists the versions SSM keeps of the config parameter (newest last), each with when and by',
    'whom it was written and the per-app orders it held, so that a rollback target is easy to pick.',
  ],
  options: {
    ...SSM_ONLY_OPTIONS,
    limit: { type: 'string', valueName: 'N', default: '10', description: 'show the newest N versions' },
  },
  examples: [
    { command: 'history --parameter /hadoku-route/route-config', comment: 'the last 10 versions' },
    { command: 'history --limit 100', comment: 'every version SSM kept (parameter from ROUTE_CONFIG_PARAMETER)' },
  ],
  async run(args, io) {
    const limit = Number(args.values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`history: --limit must be a positive integer (got '${String(args.values.limit)}')`, { command: 'history' });
    const store = await openStore('history', args, io);
    const versions = (await store.history!()).slice(-limit);
    if (versions.length === 0) {
      throw new StoreSetupError(`history: ${store.label} does not exist`, { details: ['check --parameter / ROUTE_CONFIG_PARAMETER, or create it with push'] });
    }
    const last = versions.at(-1)!;
    for (const v of versions) {
      const when = v.modified ? v.modified.toISOString() : 'unknown time';
      io.out(`version ${v.version}  ${when}${v.author ? `  ${v.author}` : ''}${v === last ? '  (current)' : ''}`);
      const checked = tryValidateStored(v.text, io.env, store.label);
      if (!checked) {
        io.out(`  invalid: ${firstError(v.text, io.env, store.label)}`);
        continue;
      }
      io.out(`  ${describeOrders(checked.config).map((o) => `${o.app} ${o.order.join('') || '-'}`).join(', ')}`);
    }
    return ExitCode.ok;
  },
};

function firstError(text: string, env: Record<string, string | undefined>, label: string): string {
  try {
    validateStoredText(text, env, label);
    return 'unknown';
  } catch (error) {
    const details = (error as { details?: readonly string[] }).details;
    return details?.[0]?.replace(/^- /, '') ?? String((error as Error).message);
  }
}
