import { resolve } from 'node:path';
import type { OptionSpec, ParsedArgs } from './command.ts';
import { UsageError, StoreSetupError } from '../kit/errors.ts';
import type { CliIo } from '../kit/io.ts';
import type { ConfigStore, TargetName } from './stores/configStore.ts';
import { TARGET_NAMES } from './stores/configStore.ts';
import { FileStore } from './stores/fileStore.ts';
import { isStageName, ssmParameterName } from '../lib/stageNames.ts';

/** Flags that choose and reach a store, shared by flip, show, push, history and rollback. */
export const STORE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  target: { type: 'string', short: 't', valueName: 'STORE', choices: TARGET_NAMES, default: 'file', description: 'where the config lives' },
  config: {
    type: 'string',
    short: 'c',
    valueName: 'FILE',
    default: './route-config.json',
    description: 'with --target file: the config file',
  },
  parameter: {
    type: 'string',
    valueName: 'NAME',
    description: 'with --target ssm: the parameter name [default: $ROUTE_CONFIG_PARAMETER]',
  },
  stage: {
    type: 'string',
    valueName: 'NAME',
    description:
      'deployment stage: with --target ssm the parameter /hadoku-route/NAME/route-config, with --target kv the namespace of [[env.NAME.kv_namespaces]]',
  },
  local: {
    type: 'boolean',
    description:
      "with --target kv: wrangler's local KV store (as `wrangler dev` uses) instead of Cloudflare's API (CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID)",
  },
  'persist-to': {
    type: 'string',
    valueName: 'DIR',
    description: 'with --target kv --local: wrangler state folder [default: .wrangler/state beside wrangler.toml, as wrangler]',
  },
};

/** Flags of the commands that write. */
export const WRITE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  'dry-run': { type: 'boolean', short: 'n', description: 'validate and print before/after, write nothing' },
  yes: { type: 'boolean', short: 'y', description: 'write to ssm or kv without asking (needed when not run from a terminal)' },
};

/** Opens the store the flags name. */
export async function openStore(command: string, args: ParsedArgs, io: CliIo): Promise<ConfigStore> {
  const target = args.values.target as TargetName;
  if (target === 'file') return new FileStore(resolve(io.cwd, String(args.values.config)));
  const stage = stageValue(command, args);
  if (target === 'ssm') {
    const name = (args.values.parameter as string | undefined) ?? (stage ? ssmParameterName(stage) : io.env.ROUTE_CONFIG_PARAMETER);
    if (!name) {
      throw new StoreSetupError(`${command}: no SSM parameter named`, {
        details: ['pass --stage NAME (parameter /hadoku-route/NAME/route-config), --parameter NAME, or set ROUTE_CONFIG_PARAMETER'],
      });
    }
    const { SsmStore } = await import('./stores/ssmStore.ts');
    return new SsmStore({ name, env: io.env });
  }
  const { KvStore } = await import('./stores/kvStore.ts');
  return new KvStore({
    command,
    local: Boolean(args.values.local),
    cwd: io.cwd,
    env: io.env,
    ...(stage ? { stage } : {}),
    ...(args.values['persist-to'] ? { persistTo: resolve(io.cwd, String(args.values['persist-to'])) } : {}),
  });
}

/**
 * Asks before writing to a remote store unless `--yes`; with no terminal to ask on, `--yes` is
 * required. Local files are written without asking (the router's watcher is the audience).
 */
export async function confirmWrite(command: string, store: ConfigStore, args: ParsedArgs, io: CliIo): Promise<void> {
  if (!store.remote || args.values.yes) return;
  if (!io.confirm) {
    throw new UsageError(`${command}: writing to ${store.label} needs --yes when not run from a terminal`, { command });
  }
  if (!(await io.confirm(`write to ${store.label}?`))) {
    throw new UsageError(`${command}: not confirmed; nothing written`, { command });
  }
}

/** Rejects `--local`/`--persist-to`/`--parameter` given for a target they do not apply to. */
export function checkTargetFlags(command: string, args: ParsedArgs): void {
  const target = args.values.target as TargetName;
  if (args.values.stage !== undefined && target === 'file') {
    throw new UsageError(`${command}: --stage applies to --target ssm or kv (a file has no stage)`, { command });
  }
  if (args.values.stage !== undefined && args.values.parameter !== undefined) {
    throw new UsageError(`${command}: give --stage or --parameter, not both (--stage NAME means --parameter ${ssmParameterName('NAME')})`, {
      command,
    });
  }
  const misplaced: Array<[string, TargetName]> = [
    ['parameter', 'ssm'],
    ['local', 'kv'],
    ['persist-to', 'kv'],
  ];
  for (const [flag, only] of misplaced) {
    if (args.values[flag] !== undefined && args.values[flag] !== false && target !== only) {
      throw new UsageError(`${command}: --${flag} only applies to --target ${only}`, { command });
    }
  }
}

/** `--stage NAME`, checked like `cdk synth -c stage=` checks it. */
function stageValue(command: string, args: ParsedArgs): string | undefined {
  const stage = args.values.stage as string | undefined;
  if (stage !== undefined && !isStageName(stage)) {
    throw new UsageError(`${command}: --stage must be 1-20 lower-case letters, digits or "-" (got '${stage}')`, { command });
  }
  return stage;
}
