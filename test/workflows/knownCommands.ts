import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readShell } from './shellCommands.ts';

/** Flags every store command shares (which store, and how to reach it). */
const STORE_FLAGS = ['--target', '--config', '--parameter', '--stage', '--local', '--persist-to'];
/** Flags of the commands that write. */
const WRITE_FLAGS = ['--dry-run', '--yes'];

/** What a sub-command accepts. */
export interface CliCommandSpec {
  flags: readonly string[];
  /** Values `--target` may take. */
  targets?: readonly string[];
  /** Flags whose value is a shell command the CLI runs: checked like a run step. */
  scripts?: readonly string[];
}

/**
 * The `hadoku-route` sub-commands and the flags each accepts (the CLI contract, SPEC section 9).
 * `targets` lists the values `--target` may take for that command.
 */
export const CLI_COMMANDS: Readonly<Record<string, CliCommandSpec>> = {
  serve: { flags: ['--runtime', '--config', '--port', '--host', '--self', '--static'] },
  validate: { flags: ['--strict', '--quiet', '--json'] },
  schema: { flags: ['--write'] },
  dev: { flags: [] },
  flip: {
    flags: [...STORE_FLAGS, ...WRITE_FLAGS, '--create', '--strict', '--json', '--force', '--no-probe'],
    targets: ['file', 'ssm', 'kv'],
  },
  show: { flags: [...STORE_FLAGS, '--json'], targets: ['file', 'ssm', 'kv'] },
  push: { flags: [...STORE_FLAGS, ...WRITE_FLAGS, '--strict', '--json'], targets: ['file', 'ssm', 'kv'] },
  setup: { flags: ['--stage', '--wrangler-config', '--api-base', '--dry-run', '--json'] },
  history: { flags: ['--target', '--parameter', '--limit'], targets: ['ssm'] },
  rollback: { flags: ['--target', '--parameter', '--to', ...WRITE_FLAGS], targets: ['ssm'] },
  drill: {
    flags: [
      '--router',
      '--disable',
      '--rate',
      '--duration',
      '--mode',
      '--config',
      '--path',
      '--json',
      '--manual',
      '--disable-cmd',
      '--enable-cmd',
    ],
    scripts: ['--disable-cmd', '--enable-cmd'],
  },
};

/** Sub-commands of the npx tools that workflows may call: a typo such as `cdk deploi` fails here. */
export const NPX_SUBCOMMANDS: Readonly<Record<string, readonly string[]>> = {
  cdk: ['synth', 'deploy', 'diff', 'bootstrap', 'list', 'ls'],
  wrangler: ['deploy', 'kv', 'versions', 'rollback', 'whoami'],
};

/**
 * Shell built-ins and the few Ubuntu runner tools the workflows use for glue (summaries, JSON,
 * sizes). Anything else must be an npm script, an installed binary or the CLI.
 */
export const SHELL_TOOLS: ReadonlySet<string> = new Set([
  '[',
  '[[',
  'echo',
  'printf',
  'exit',
  'continue',
  'true',
  'false',
  'test',
  'sleep',
  'cat',
  'tee',
  'jq',
  'grep',
  'find',
  'sort',
  'stat',
  'gzip',
  'wc',
  'mkdir',
  'git',
  'sha256sum',
  'cut',
]);

/** What a workflow's commands are checked against: this repository's scripts and binaries. */
export interface ProjectFacts {
  scripts: ReadonlySet<string>;
  /** Names in node_modules/.bin (what `npx NAME` runs without downloading anything). */
  hasBin(name: string): boolean;
}

/** Reads package.json's scripts and looks binaries up in node_modules/.bin. */
export function projectFacts(root: string): ProjectFacts {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return {
    scripts: new Set(Object.keys(pkg.scripts ?? {})),
    hasBin: (name) => existsSync(join(root, 'node_modules', '.bin', name)),
  };
}

/**
 * Checks one simple command (its words, quotes removed) and returns what is wrong with it; an
 * empty list means it names only things that exist.
 *
 * @example
 * checkCommand(['npm', 'run', 'nope'], facts, []) // ["npm run nope: no script 'nope' in package.json"]
 */
export function checkCommand(words: readonly string[], facts: ProjectFacts, functions: readonly string[]): string[] {
  const [name, ...args] = words;
  const line = words.join(' ');
  if (name === 'npm') return checkNpm(args, facts, line);
  if (name === 'npx') return checkNpx(args, facts, line);
  if (name === 'hadoku-route') return checkCli(args, line, facts);
  if (name === 'node') {
    // Node only ever runs the CLI: any other logic belongs in the CLI or an npm script.
    if (args[0] !== 'bin/hadoku-route.js') return [`${line}: node may only run bin/hadoku-route.js`];
    return checkCli(args.slice(1), line, facts);
  }
  if (SHELL_TOOLS.has(name) || functions.includes(name)) return [];
  return [`${line}: '${name}' is not an npm script, an npx binary, the CLI or an allowed shell tool`];
}

function checkNpm(args: readonly string[], facts: ProjectFacts, line: string): string[] {
  const [verb, script] = args;
  if (verb === 'ci') return [];
  if (verb === 'test' || verb === 'start') {
    return facts.scripts.has(verb) ? [] : [`${line}: no script '${verb}' in package.json`];
  }
  if (verb === 'run' || verb === 'run-script') {
    if (script === undefined) return [`${line}: npm run without a script name`];
    return facts.scripts.has(script) ? [] : [`${line}: no script '${script}' in package.json`];
  }
  return [`${line}: only npm ci, npm test, npm start and npm run SCRIPT are allowed in workflows`];
}

function checkNpx(args: readonly string[], facts: ProjectFacts, line: string): string[] {
  const at = args.findIndex((arg) => !arg.startsWith('-'));
  const bin = args[at];
  if (bin === undefined) return [`${line}: npx without a binary`];
  if (bin === 'hadoku-route') return checkCli(args.slice(at + 1), line, facts);
  // npx would download a missing binary from the registry: in CI that is an unpinned dependency.
  if (!facts.hasBin(bin)) return [`${line}: '${bin}' is not in node_modules/.bin`];
  const known = NPX_SUBCOMMANDS[bin];
  const sub = args.slice(at + 1).find((arg) => !arg.startsWith('-'));
  if (known && (sub === undefined || !known.includes(sub))) {
    return [`${line}: '${bin} ${sub ?? ''}' is not one of: ${known.join(', ')}`];
  }
  return [];
}

function checkCli(args: readonly string[], line: string, facts: ProjectFacts): string[] {
  const [sub, ...rest] = args;
  const command = sub === undefined ? undefined : CLI_COMMANDS[sub];
  if (command === undefined) return [`${line}: '${sub ?? ''}' is not a hadoku-route command`];
  const problems: string[] = [];
  for (const [index, arg] of rest.entries()) {
    if (!arg.startsWith('--')) continue;
    const flag = arg.split('=')[0];
    if (!command.flags.includes(flag)) problems.push(`${line}: hadoku-route ${sub} has no flag ${flag}`);
    if (command.scripts?.includes(flag)) {
      // The CLI runs this value with `sh -c`: its commands must exist like a run step's.
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : rest[index + 1];
      const script = readShell(value ?? '');
      if (script.commands.length === 0) problems.push(`${line}: ${flag} has no command`);
      for (const inner of script.commands) problems.push(...checkCommand(inner.words, facts, script.functions));
    }
    if (flag === '--target' && command.targets) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : rest[index + 1];
      if (value === undefined || !command.targets.includes(value)) {
        problems.push(`${line}: hadoku-route ${sub} --target must be one of ${command.targets.join(', ')}`);
      }
    }
  }
  return problems;
}

/** The `hadoku-route` sub-command and flags a command uses, or undefined when it is not the CLI. */
export function cliUsage(words: readonly string[]): { sub: string; flags: string[] } | undefined {
  let args: readonly string[] | undefined;
  if (words[0] === 'hadoku-route') args = words.slice(1);
  else if (words[0] === 'node' && words[1] === 'bin/hadoku-route.js') args = words.slice(2);
  else if (words[0] === 'npx' && words[1] === 'hadoku-route') args = words.slice(2);
  if (args === undefined || args[0] === undefined) return undefined;
  return {
    sub: args[0],
    flags: args
      .slice(1)
      .filter((arg) => arg.startsWith('--'))
      .map((arg) => arg.split('=')[0]),
  };
}
