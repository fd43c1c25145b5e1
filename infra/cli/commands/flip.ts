import { configWarnings } from '../../../shared/index.ts';
import type { Command } from '../command.ts';
import { flipScope, serializeConfig, setPriority } from '../editConfigText.ts';
import { CliError, UsageError } from '../../kit/errors.ts';
import { ExitCode } from '../../kit/exitCodes.ts';
import { checkRouters, GUARD_OPTIONS, probeNewOrder, probeTargets, readGuardFlags, watchThenRollBack } from '../flipGuard.ts';
import { formatOrderChanges } from '../formatOrders.ts';
import type { CliIo } from '../../kit/io.ts';
import { jsonOrderChanges, jsonStore, jsonVariables, printJson, type JsonWriteResult } from '../jsonOutput.ts';
import { readExisting, tryValidateStored } from '../readStored.ts';
import { checkTargetFlags, confirmWrite, openStore, STORE_OPTIONS, WRITE_OPTIONS } from '../storeOptions.ts';
import { STRICT_OPTION } from '../strictOption.ts';
import { storedConfigNotes, validateStoredText, type CheckedStoredConfig } from '../validateStoredText.ts';

/** `hadoku-route flip <app|global> <priority>`: change one priority in a store, safely. */
export const flipCommand: Command = {
  name: 'flip',
  summary: "change one app's (or the global) provider order in the file, SSM or KV",
  usage: [
    'flip <app|global> <priority> [--target file|ssm|kv] [--stage NAME] [--dry-run] [--yes] [--create] [--strict] [--json]',
    'flip <app|global> <priority> [--force | --no-probe] [--probe-timeout DURATION]',
    'flip <app|global> <priority> --watch DURATION --router URL [--router URL...] [--max-failure-rate R] [--min-requests N]',
  ],
  description: [
    "Reads the config from the target, sets one priority, validates the result with the routers'",
    "own validator, writes it, and prints every app's order before and after. A priority with an",
    'unknown or repeated provider id is refused with the reason, and nothing is written. A ${VAR}',
    'not set here is checked with a placeholder, as in validate; --strict makes it an error.',
    '',
    'file: written atomically (temp file + rename) as 2-space JSON, so a running router never sees',
    'half a file; it follows within 1 s. ssm: refused when the parameter changed since it was read;',
    "Lambdas follow within ROUTE_CONFIG_MAX_AGE. kv: through the Cloudflare API (--local: wrangler's",
    'local store); refused when the value changed since it was read; Workers follow within',
    'ROUTE_CONFIG_MAX_AGE plus KV propagation (up to ~60 s).',
    '',
    'Guarded: before writing (and with --dry-run), each provider of the new order is probed in',
    'parallel: GET <base>/<app>/api/health with X-No-Fallback: 1 (the router there answers with its',
    'own copy, one attempt), or GET <base>/_router/health; a global flip asks /_router/health only.',
    'A 2xx is up; an error, a timeout or any other status is down, with the reason. A provider whose',
    '${VAR} is not set here cannot be probed: it is shown as unknown, not down. A flip whose first',
    'provider is down is refused (exit 1, nothing written) unless --force; --no-probe skips the probe.',
    '',
    "Watched: --watch DURATION --router URL polls each router's /_router/health counters every",
    'second after the write. When at least --min-requests attempts at the new first provider were',
    'seen and more than --max-failure-rate of them failed (5xx, timeout, connection error), or a',
    "router's breaker opened for it, the previous config is written back through the same store, only",
    'if the store still holds the version the flip wrote (else nothing is written back: exit 2), and',
    'flip exits 3. Progress lines go to stderr; the summary to stdout (with --json: probes, watch).',
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
    strict: STRICT_OPTION,
    json: {
      type: 'boolean',
      description: "print one JSON document: store, change, result, versions, each app's order before and after, probes, watch",
    },
    ...GUARD_OPTIONS,
  },
  examples: [
    { command: 'flip task 21', comment: 'task: provider 2 first, then 1 (./route-config.json)' },
    { command: 'flip global 12 --dry-run', comment: 'see what would change, write nothing' },
    {
      command: 'flip task 312 --target ssm --stage prod --yes',
      comment: "flip the Lambda's SSM parameter from CI",
    },
    { command: 'flip task 312 --target ssm --yes --json | jq -r .version', comment: 'in CI: the version it wrote' },
    { command: 'flip watchparty 2 --target kv --local', comment: "flip wrangler's local KV (wrangler dev)" },
    { command: 'flip newapp 1 --create', comment: 'add a route for an app that has none' },
    { command: 'flip task 21 --force', comment: 'flip although provider 2 does not answer the probe now' },
    {
      command: 'flip task 21 --watch 60s --router http://127.0.0.1:8787',
      comment: 'flip, watch provider 2 for a minute through the router, roll back if over 20% of its attempts fail',
    },
  ],
  exitCodes: [ExitCode.ok, ExitCode.invalid, ExitCode.store, ExitCode.rolledBack],
  jsonErrors: true,
  async run(args, io) {
    checkTargetFlags('flip', args);
    const [scopeArg, priority] = args.positionals;
    if (scopeArg === undefined || priority === undefined) {
      throw new UsageError('flip: needs <app|global> and <priority>, e.g. `hadoku-route flip task 21`', { command: 'flip' });
    }
    const scope = flipScope('flip', scopeArg);
    const guard = readGuardFlags(args);
    const store = await openStore('flip', args, io);
    const current = await readExisting('flip', store);
    const before = tryValidateStored(current.text, io.env, store.label);
    const edited = setPriority('flip', current.text, scope, priority, Boolean(args.values.create));
    const text = serializeConfig(edited, current.text, store.target);
    const field = scope.kind === 'global' ? 'global_priority' : `routes.${scope.app}.priority`;
    const strict = Boolean(args.values.strict);
    const after = validateStoredText(text, io.env, `${field} = "${priority}" refused (nothing written)`, { strict });
    const result: JsonWriteResult = text === current.text ? 'unchanged' : args.values['dry-run'] ? 'dry-run' : 'written';
    const json = Boolean(args.values.json);

    if (!json) printChange(io, { label: store.label, version: current.version, field, priority, before, after, text });
    const app = scope.kind === 'global' ? null : scope.app;
    const targets = probeTargets(after.config, after.variables, app);
    const probes =
      guard.probe && result !== 'unchanged'
        ? await probeNewOrder(targets, { app, timeoutMs: guard.probeTimeoutMs, force: guard.force, json, out: io.out })
        : null;
    if (!json && result !== 'written') io.out(result === 'unchanged' ? 'already so: nothing written' : 'dry run: nothing written');
    if (guard.watch && result === 'unchanged') io.err('watch: nothing was written, so there is nothing to watch');
    const watch = result === 'written' ? guard.watch : null;
    if (watch) {
      // Refused before writing: a watch that could not roll back, or could not see, guards nothing.
      if (!before)
        throw new CliError('flip: --watch: the stored config is not valid now, so there is nothing to roll back to; nothing written');
      if (!targets[0]) throw new CliError('flip: --watch: the new order is empty, so there is no provider to watch; nothing written');
      await checkRouters(watch.routers, targets[0].id);
    }
    let version = current.version;
    if (result === 'written') {
      await confirmWrite('flip', store, args, io);
      version = await store.write(text, current.version);
      if (!json) io.out(`wrote ${store.label} (version ${version})`);
    }
    const flipped = { previous: current.text, version, provider: targets[0]?.id ?? '' };
    const watched = watch ? await watchThenRollBack(store, flipped, watch, { out: io.out, err: io.err, json }) : null;
    if (json) {
      const versions = { version_before: current.version, version, valid_before: before !== null };
      const orders = jsonOrderChanges(before?.config ?? null, after.config);
      const shown = { orders, variables: jsonVariables(after.variables), warnings: configWarnings(text), probes, watch: watched };
      printJson(io, { ok: true, store: jsonStore(store), change: { field, priority }, result, ...versions, ...shown });
    }
    return watched?.rolled_back ? ExitCode.rolledBack : ExitCode.ok;
  },
};

/** The human report of a flip: what changes, every app's order before and after, notes. */
function printChange(
  io: CliIo,
  change: {
    label: string;
    version: string;
    field: string;
    priority: string;
    before: CheckedStoredConfig | null;
    after: CheckedStoredConfig;
    text: string;
  },
): void {
  io.out(`${change.label} (version ${change.version}): ${change.field} -> "${change.priority}"`);
  if (!change.before) io.out('  (the stored config is not valid now; the flipped one is)');
  for (const line of formatOrderChanges(change.before?.config ?? null, change.after.config)) io.out(`  ${line}`);
  for (const note of storedConfigNotes(change.after, io.env)) io.err(note);
  for (const warning of configWarnings(change.text)) io.err(`warning: ${warning}`);
}
