import { parseArgs } from 'node:util';
import type { Command, ParsedArgs } from './command.ts';
import { didYouMeanHint } from './didYouMean.ts';
import { UsageError } from '../kit/errors.ts';

/** Result of parsing a command line: either a request for help or the parsed values. */
export type ParseOutcome = { help: true } | { help: false; args: ParsedArgs };

/**
 * Parses `argv` (everything after the command name) against the command's flags, strictly: an
 * unknown flag, a missing value or one positional too many is a {@link UsageError} naming it.
 * `--help`/`-h` anywhere wins over everything else, so a broken line still gets its help.
 */
export function parseCommandArgs(command: Command, argv: readonly string[]): ParseOutcome {
  if (argv.some((arg) => arg === '--help' || arg === '-h')) return { help: true };
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    options[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command.name}: ${describeParseError(command, error)}`, { command: command.name, cause: error });
  }
  const max = command.maxPositionals ?? 0;
  if (parsed.positionals.length > max) {
    const extra = parsed.positionals[max];
    throw new UsageError(
      max === 0
        ? `${command.name}: unexpected argument '${extra}' (this command takes no arguments)`
        : `${command.name}: unexpected argument '${extra}' (at most ${max} expected)`,
      { command: command.name },
    );
  }
  const values: ParsedArgs['values'] = { ...(parsed.values as ParsedArgs['values']) };
  for (const [name, spec] of Object.entries(command.options)) {
    if (values[name] === undefined && spec.default !== undefined) values[name] = spec.default;
    const given = values[name];
    for (const value of Array.isArray(given) ? given : [given]) {
      if (spec.choices && typeof value === 'string' && !spec.choices.includes(value)) {
        const hint = didYouMeanHint(value, spec.choices);
        throw new UsageError(`${command.name}: --${name} must be one of ${spec.choices.join(', ')} (got '${value}')${hint}`, {
          command: command.name,
        });
      }
    }
  }
  return { help: false, args: { values, positionals: parsed.positionals } };
}

/** parseArgs' messages, reworded to name the flag and say what to do. */
function describeParseError(command: Command, error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
    const flags = [...Object.keys(command.options).map((name) => `--${name}`), '--help'];
    return `unknown flag '${flag}'${flag.startsWith('--') ? didYouMeanHint(flag, flags) : ''}`;
  }
  const flag = /--[\w-]+/.exec(message)?.[0];
  if (flag && message.includes('argument missing')) return `flag '${flag}' needs a value`;
  if (flag && message.includes('does not take an argument')) return `flag '${flag}' takes no value`;
  return message.split('. ')[0];
}

/** Reads a string flag that must be a TCP port (0 = any free port). */
export function portValue(command: string, flag: string, raw: unknown): number {
  const text = String(raw);
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new UsageError(`${command}: --${flag} must be a port number 0-65535 (got '${text}')`, { command });
  }
  return port;
}
