import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { KV_CONFIG } from '../../../shared/index.ts';
import { CliError, UsageError } from '../../kit/errors.ts';
import { ExitCode } from '../../kit/exitCodes.ts';
import type { CliIo } from '../../kit/io.ts';
import { isStageName, ssmParameterName, stackId } from '../../lib/stageNames.ts';
import { apiBase, CloudflareApi, cloudflareCredentials, type KvNamespace } from '../cloudflareApi.ts';
import type { Command, ParsedArgs } from '../command.ts';
import { printJson } from '../jsonOutput.ts';
import { findStageKvId, noStageMessage, setStageKvId, WranglerTomlError } from '../../hosts/wranglerTomlKv.ts';

/** What happened to the namespace: it was there (by title or by the id already written), or is new. */
type NamespaceAction = 'found' | 'kept' | 'created' | 'would-create';
/** What happened to wrangler.toml. */
type TomlAction = 'unchanged' | 'written' | 'would-write';

/**
 * The title `setup` gives a stage's KV namespace: what `wrangler kv namespace create SETTINGS
 * --env <stage>` would name it (the stage's Worker name, then the binding).
 *
 * @example
 * kvNamespaceTitle('dev') // 'hadoku-route-dev-SETTINGS'
 */
export function kvNamespaceTitle(stage: string): string {
  return `hadoku-route-${stage}-${KV_CONFIG.binding}`;
}

/**
 * The commands that follow setup for a stage, in order (printed, and listed under `next` in JSON).
 *
 * @example
 * nextCommands('dev')[1] // 'npx cdk deploy HadokuRoute-dev -c stage=dev'
 */
export function nextCommands(stage: string): string[] {
  return [
    'npx cdk bootstrap   # once per AWS account and region',
    `npx cdk deploy ${stackId(stage)} -c stage=${stage}`,
    `npx wrangler deploy --env ${stage}`,
    `npx hadoku-route push route-config.json --target kv --stage ${stage} --yes`,
  ];
}

/** `hadoku-route setup --stage NAME`: the stage's KV namespace, found or created, and its id in wrangler.toml. */
export const setupCommand: Command = {
  name: 'setup',
  summary: "find or create a stage's KV namespace on Cloudflare and write its id into wrangler.toml",
  usage: ['setup --stage NAME [--wrangler-config FILE] [--api-base URL] [--dry-run] [--json]'],
  description: [
    'The Cloudflare half of a new stage, done once and safe to repeat. Looks for the KV namespace',
    `titled hadoku-route-<stage>-${KV_CONFIG.binding} in the account (the title \`wrangler kv namespace create`,
    `${KV_CONFIG.binding} --env <stage>\` would give it), creates it when there is none, and writes its id`,
    `into the [[env.<stage>.kv_namespaces]] table whose binding is ${KV_CONFIG.binding}. Only that id changes:`,
    'every comment and every other line of wrangler.toml stays as it was. When the id already in',
    'the file names a namespace of the account, it is kept and nothing is created.',
    '',
    'Needs CLOUDFLARE_API_TOKEN (Account › Workers KV Storage › Edit; never printed) and',
    'CLOUDFLARE_ACCOUNT_ID. Nothing is created on AWS: `cdk deploy` does that. Progress goes to',
    'stderr, a summary with the next commands to stdout.',
  ],
  options: {
    stage: { type: 'string', valueName: 'NAME', description: 'the stage: 1-20 of a-z, 0-9 and "-" (its [env.NAME] block must exist)' },
    'wrangler-config': {
      type: 'string',
      valueName: 'FILE',
      default: 'wrangler.toml',
      description: 'the wrangler config to write the id into',
    },
    'api-base': {
      type: 'string',
      valueName: 'URL',
      description: 'Cloudflare API root [default: $CLOUDFLARE_API_BASE_URL or https://api.cloudflare.com/client/v4]',
    },
    'dry-run': { type: 'boolean', short: 'n', description: 'look the namespace up and say what would change; create and write nothing' },
    json: {
      type: 'boolean',
      description: 'print one JSON document: stage, namespace (id, title, action), wrangler.toml action, next commands',
    },
  },
  examples: [
    { command: 'setup --stage dev', comment: 'create hadoku-route-dev-SETTINGS (or find it) and write its id into [env.dev]' },
    { command: 'setup --stage prod --dry-run', comment: 'see what would be created and written' },
    { command: 'setup --stage dev --json | jq -r .namespace.id', comment: 'in a script: the namespace id' },
  ],
  exitNotes: ['  (2 here: the Cloudflare API refused the token or could not be reached; its own message is shown)'],
  jsonErrors: true,
  async run(args, io) {
    const stage = stageOf(args);
    const file = resolve(io.cwd, String(args.values['wrangler-config']));
    const text = await readToml(file);
    const current = tomlBinding(text, stage, file);
    const base = apiBase(args.values['api-base'] as string | undefined, io.env);
    const api = new CloudflareApi({ base, ...cloudflareCredentials(io.env) });
    const dryRun = Boolean(args.values['dry-run']);
    const title = kvNamespaceTitle(stage);
    io.err(`setup: stage ${stage}: looking for KV namespace "${title}" (${base})`);
    const namespaces = await api.listKvNamespaces();
    const { namespace, action } = await pickNamespace(namespaces, current, title, dryRun, api, io);
    const toml = await writeId(file, text, stage, namespace, dryRun, io);
    report(io, Boolean(args.values.json), { stage, file, title, namespace, action, toml, previous: current });
    return ExitCode.ok;
  },
};

function stageOf(args: ParsedArgs): string {
  const stage = args.values.stage as string | undefined;
  if (stage === undefined) throw new UsageError('setup: --stage NAME is required (e.g. --stage dev)', { command: 'setup' });
  if (!isStageName(stage)) {
    throw new UsageError(`setup: --stage must be 1-20 lower-case letters, digits or "-" (got '${stage}')`, { command: 'setup' });
  }
  return stage;
}

async function readToml(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`setup: cannot read --wrangler-config ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      command: 'setup',
      cause: error,
    });
  }
}

/** The id the stage has now; checked before any API call, so a file setup cannot edit creates nothing. */
function tomlBinding(text: string, stage: string, file: string): string | null {
  try {
    const found = findStageKvId(text, stage, KV_CONFIG.binding);
    if (!found.hasStage) throw new WranglerTomlError(noStageMessage(stage));
    return found.id;
  } catch (error) {
    if (error instanceof WranglerTomlError) throw new CliError(`setup: ${file} ${error.message}`, { cause: error });
    throw error;
  }
}

/** The id already written wins when it is a namespace of the account; else the one titled for the stage, else a new one. */
async function pickNamespace(
  namespaces: KvNamespace[],
  currentId: string | null,
  title: string,
  dryRun: boolean,
  api: CloudflareApi,
  io: CliIo,
): Promise<{ namespace: KvNamespace | null; action: NamespaceAction }> {
  const kept = namespaces.find((ns) => ns.id === currentId);
  if (kept) {
    io.err(`setup: wrangler.toml already names namespace ${kept.id} ("${kept.title}"), which exists: kept`);
    return { namespace: kept, action: 'kept' };
  }
  const found = namespaces.find((ns) => ns.title === title);
  if (found) {
    io.err(`setup: found namespace ${found.id}`);
    return { namespace: found, action: 'found' };
  }
  if (dryRun) {
    io.err(`setup: no namespace "${title}": would create it (dry run)`);
    return { namespace: null, action: 'would-create' };
  }
  const created = await api.createKvNamespace(title);
  io.err(`setup: created namespace ${created.id}`);
  return { namespace: created, action: 'created' };
}

async function writeId(
  file: string,
  text: string,
  stage: string,
  namespace: KvNamespace | null,
  dryRun: boolean,
  io: CliIo,
): Promise<TomlAction> {
  const table = `[[env.${stage}.kv_namespaces]] ${KV_CONFIG.binding}`;
  if (namespace === null) return 'would-write';
  const edit = setStageKvId(text, stage, KV_CONFIG.binding, namespace.id);
  if (edit.action === 'unchanged') return 'unchanged';
  if (dryRun) {
    io.err(`setup: would write id ${namespace.id} into ${table} of ${file} (dry run)`);
    return 'would-write';
  }
  if ((await readToml(file)) !== text) throw new CliError(`setup: ${file} changed while setup ran; nothing written (run setup again)`);
  // Temp file + rename: an interrupted write never leaves half a wrangler.toml.
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  await writeFile(temp, edit.text);
  await rename(temp, file);
  io.err(`setup: wrote id ${namespace.id} into ${table} of ${file}`);
  return 'written';
}

interface Outcome {
  stage: string;
  file: string;
  title: string;
  namespace: KvNamespace | null;
  action: NamespaceAction;
  toml: TomlAction;
  previous: string | null;
}

function report(io: CliIo, json: boolean, o: Outcome): void {
  const next = nextCommands(o.stage);
  if (json) {
    printJson(io, {
      ok: true,
      stage: o.stage,
      namespace: { id: o.namespace?.id ?? null, title: o.namespace?.title ?? o.title, action: o.action },
      wrangler_config: { file: o.file, action: o.toml, previous_id: o.previous },
      ssm_parameter: ssmParameterName(o.stage),
      next,
    });
    return;
  }
  const id = o.namespace?.id ?? '(not created: dry run)';
  io.out(`KV namespace "${o.namespace?.title ?? o.title}": ${o.action} (id ${id})`);
  const was = o.previous === null ? 'no id before' : `was ${o.previous}`;
  const tomlLine: Record<TomlAction, string> = {
    unchanged: 'already holds this id: nothing to do',
    written: `id written (${was})`,
    'would-write': `would write the id (${was}); dry run, nothing written`,
  };
  io.out(`${o.file} [env.${o.stage}] ${KV_CONFIG.binding}: ${tomlLine[o.toml]}`);
  io.out('Next:');
  for (const command of next) io.out(`  ${command}`);
}
