import type { Command } from './command.ts';
import { COMMAND_EXIT_CODES_HELP, EXIT_CODES_HELP, exitCodesHelp } from '../kit/exitCodes.ts';

/** The program name as users type it. */
export const PROGRAM = 'hadoku-route';

/**
 * Renders a command's `--help`: usage, what it does, every flag with its default, examples and
 * exit codes. Built from the command's own description, so help cannot drift from the parser.
 */
export function formatHelp(command: Command): string {
  const lines: string[] = [];
  lines.push('Usage:');
  for (const usage of command.usage) lines.push(`  ${PROGRAM} ${usage}`);
  lines.push('');
  for (const paragraph of command.description) lines.push(paragraph);
  if (command.positionals?.length) {
    lines.push('', 'Arguments:');
    const width = Math.max(...command.positionals.map((p) => p.name.length));
    for (const p of command.positionals) lines.push(`  ${p.name.padEnd(width)}  ${p.description}`);
  }
  const flags = Object.entries(command.options).map(([name, spec]) => {
    const value = spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : '';
    const short = spec.short ? `-${spec.short}, ` : '    ';
    const choices = spec.choices ? ` (${spec.choices.join('|')})` : '';
    const def = spec.default !== undefined && spec.default !== false ? ` [default: ${String(spec.default)}]` : '';
    const repeat = spec.multiple ? ' (repeatable)' : '';
    return { left: `${short}--${name}${value}`, right: `${spec.description}${choices}${repeat}${def}` };
  });
  flags.push({ left: '-h, --help', right: 'show this help' });
  const width = Math.max(...flags.map((f) => f.left.length));
  lines.push('', 'Options:');
  for (const f of flags) lines.push(`  ${f.left.padEnd(width)}  ${f.right}`);
  if (command.examples.length) {
    lines.push('', 'Examples:');
    for (const example of command.examples) {
      lines.push(`  # ${example.comment}`, `  ${PROGRAM} ${example.command}`);
    }
  }
  lines.push('', 'Exit codes:', ...exitCodesHelp(command.exitCodes), ...(command.exitNotes ?? []).map((note) => `  ${note}`));
  return lines.join('\n');
}

/** The top-level help: every command with its summary. */
export function formatOverview(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `${PROGRAM} ${version}: route /<app>/api/... to the first healthy provider of an ordered list,`,
    'on a local Express router, a Cloudflare Worker or an AWS Lambda, from one route-config.json.',
    '',
    'Usage:',
    `  ${PROGRAM} <command> [options]`,
    `  ${PROGRAM} <command> --help`,
    `  ${PROGRAM} --version`,
    '',
    'Options:',
    "  -h, --help     show this help (after a command: that command's help)",
    '  -v, --version  print the version and exit',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Environment:',
    '  .env in the current directory is read when present (never required); variables already',
    '  set in the shell win. ${VAR} tokens in the config are filled from the environment. The',
    '  commands that check or edit a config (validate, flip, show, push, history, rollback) fill',
    '  an unset one with a placeholder and say so; --strict requires it. serve needs every one',
    '  set; dev falls back to .env.example. No command prints a value. ROUTE_PRIORITY and',
    '  <APP>_ROUTE_PRIORITY override priorities (see `validate --help`).',
    '',
    'Exit codes:',
    ...EXIT_CODES_HELP,
    ...COMMAND_EXIT_CODES_HELP,
  ].join('\n');
}
