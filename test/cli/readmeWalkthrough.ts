import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readShell } from '../workflows/shellCommands.ts';

/** The README section every command of which a test must exercise. */
export const WALKTHROUGH_HEADING = '## Deploy a stage from scratch';

/** One command of the walkthrough: its words (quotes removed) and the line it came from. */
export interface WalkCommand {
  words: string[];
  line: string;
}

/**
 * The commands of the walkthrough section, in order: every line of its ```sh blocks (a line ending
 * in `\` continues on the next), split into simple commands (`a && b` is two).
 *
 * @example
 * walkthroughCommands(readme)[0].words // ['npm', 'ci']
 */
export function walkthroughCommands(readme: string): WalkCommand[] {
  const start = readme.indexOf(`\n${WALKTHROUGH_HEADING}\n`);
  if (start < 0) throw new Error(`README.md has no section "${WALKTHROUGH_HEADING}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/^\s*```sh\n([\s\S]*?)^\s*```$/gm)].map((match) => match[1]);
  const lines = blocks.flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n'));
  return lines
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .flatMap((line) => readShell(line).commands.map((command) => ({ words: command.words, line })));
}

/** The README's walkthrough commands. */
export function readmeWalkthrough(root: string): WalkCommand[] {
  return walkthroughCommands(readFileSync(join(root, 'README.md'), 'utf8'));
}

/** The `hadoku-route` sub-command and its arguments, when `words` runs the CLI through npx. */
export function cliArgs(words: readonly string[]): string[] | undefined {
  return words[0] === 'npx' && words[1] === 'hadoku-route' ? words.slice(2) : undefined;
}

/** `-c key=value` pairs of a cdk command line, as the CDK app's context. */
export function cdkContext(words: readonly string[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [index, word] of words.entries()) {
    if (word !== '-c' && word !== '--context') continue;
    const pair = words[index + 1] ?? '';
    const at = pair.indexOf('=');
    if (at > 0) context[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return context;
}

/** The value after `--flag` (or in `--flag=value`). */
export function flagValue(words: readonly string[], flag: string): string | undefined {
  const joined = words.find((word) => word.startsWith(`${flag}=`));
  if (joined) return joined.slice(flag.length + 1);
  const at = words.indexOf(flag);
  return at >= 0 ? words[at + 1] : undefined;
}
