import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from './command.ts';
import { devCommand } from './commands/dev.ts';
import { drillCommand } from './commands/drill.ts';
import { flipCommand } from './commands/flip.ts';
import { historyCommand } from './commands/history.ts';
import { pushCommand } from './commands/push.ts';
import { rollbackCommand } from './commands/rollback.ts';
import { showCommand } from './commands/show.ts';
import { schemaCommand } from './commands/schema.ts';
import { serveCommand } from './commands/serve.ts';
import { setupCommand } from './commands/setup.ts';
import { validateCommand } from './commands/validate.ts';
import { didYouMeanHint } from './didYouMean.ts';
import { CliError, UsageError } from '../kit/errors.ts';
import { ExitCode } from '../kit/exitCodes.ts';
import { formatHelp, formatOverview, PROGRAM } from './formatHelp.ts';
import { processIo, type CliIo } from '../kit/io.ts';
import { jsonFailure } from './jsonOutput.ts';
import { parseCommandArgs } from './parseCommandArgs.ts';

export { processIo };

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  serveCommand,
  validateCommand,
  schemaCommand,
  devCommand,
  drillCommand,
  flipCommand,
  showCommand,
  pushCommand,
  historyCommand,
  rollbackCommand,
  setupCommand,
];

/**
 * Runs one `hadoku-route` command line and resolves to its exit code (0 done, 1 invalid input or
 * config, 2 store unreachable or conflict; `drill` adds 3 a request lost and 4 the provider could
 * not be disabled or re-enabled). Never throws: every failure is reported on `io.err`.
 *
 * @param argv - the arguments after the program name, e.g. `['validate', 'route-config.json']`
 * @example
 * process.exit(await main(process.argv.slice(2), processIo()));
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(formatOverview(COMMANDS, version()));
    return ExitCode.invalid;
  }
  if (name === '--help' || name === '-h') {
    io.out(formatOverview(COMMANDS, version()));
    return ExitCode.ok;
  }
  if (name === '--version' || name === '-v') {
    io.out(version());
    return ExitCode.ok;
  }
  if (name === 'help') return help(rest[0], io);
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return report(name.startsWith('-') ? unknownFlag(name) : unknownCommand(name), io);
  // Decided from the raw line so that a failure in parsing itself is reported as JSON too.
  const json = command.jsonErrors === true && rest.includes('--json');
  try {
    const parsed = parseCommandArgs(command, rest);
    if (parsed.help) {
      io.out(formatHelp(command));
      return ExitCode.ok;
    }
    return await command.run(parsed.args, io);
  } catch (error) {
    return report(error, io, json);
  }
}

function help(name: string | undefined, io: CliIo): number {
  if (name === undefined) {
    io.out(formatOverview(COMMANDS, version()));
    return ExitCode.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return report(unknownCommand(name), io);
  io.out(formatHelp(command));
  return ExitCode.ok;
}

function unknownCommand(name: string): UsageError {
  const names = COMMANDS.map((c) => c.name);
  return new UsageError(`unknown command '${name}'${didYouMeanHint(name, names)} (commands: ${names.join(', ')})`);
}

function unknownFlag(flag: string): UsageError {
  const hint = didYouMeanHint(flag, ['--help', '--version']);
  return new UsageError(`unknown flag '${flag}'${hint} (flags go after the command: ${PROGRAM} <command> [options])`);
}

/**
 * Prints a failure as one line (plus its details) and picks the exit code. With `json`, the same
 * failure also goes to stdout as one JSON object, so a script that reads stdout gets a document.
 */
function report(error: unknown, io: CliIo, json = false): number {
  const known = error instanceof CliError;
  const exitCode = known ? error.exitCode : ExitCode.invalid;
  const message = known ? error.message : `unexpected error: ${(error as Error)?.message ?? String(error)}`;
  const details = known ? error.details : [];
  io.err(`${PROGRAM}: ${message}`);
  for (const line of details) io.err(`  ${line}`);
  if (json) io.out(JSON.stringify(jsonFailure(exitCode, message, details), null, 2));
  if (error instanceof UsageError) io.err(`run '${PROGRAM} ${error.command ?? ''}${error.command ? ' ' : ''}--help' for usage`);
  if (known) {
    if (io.env.HADOKU_DEBUG && error.cause) io.err(String((error.cause as Error).stack ?? error.cause));
    return exitCode;
  }
  // Not one of ours: a bug or an environment problem we did not foresee. Say so plainly.
  io.err(io.env.HADOKU_DEBUG ? String((error as Error)?.stack) : '  (set HADOKU_DEBUG=1 for the stack trace)');
  return exitCode;
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

// `node infra/cli/main.ts ...` (the npm `schema` script) runs the CLI directly.
if (isEntryPoint()) {
  // As bin/hadoku-route.js does: `.env` fills what the shell has not set, when there is one.
  if (existsSync('.env')) process.loadEnvFile('.env');
  process.exit(await main(process.argv.slice(2), processIo()));
}

function isEntryPoint(): boolean {
  try {
    return Boolean(process.argv[1]) && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false; // `node -e`, a REPL: argv[1] is not a file
  }
}
