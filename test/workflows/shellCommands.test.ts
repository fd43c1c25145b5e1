import { describe, expect, it } from 'vitest';
import { EXPRESSION_PLACEHOLDER, readShell, ShellSyntaxError } from './shellCommands.ts';

const names = (script: string): string[] => readShell(script).commands.map((command) => command.words[0]);

describe('Function: readShell', () => {
  it('finds every command of lists, pipes and command substitutions', () => {
    // Prepare
    const script = 'npm ci && npx cdk synth | tee log; echo "$(jq -r .a f.json)" || exit 1\nsleep 1 &';

    // Act
    const found = names(script);

    // Assess
    expect(found.sort()).toEqual(['echo', 'exit', 'jq', 'npm', 'npx', 'sleep', 'tee'].sort());
  });

  it('removes quotes and keeps variables as written', () => {
    // Act
    const { commands } = readShell(`node bin/hadoku-route.js flip "$APP" '213' --target=ssm`);

    // Assess
    expect(commands).toEqual([{ words: ['node', 'bin/hadoku-route.js', 'flip', '$APP', '213', '--target=ssm'] }]);
  });

  it('skips assignments, keywords, for-lists and redirection targets', () => {
    // Prepare
    const script = [
      'x=1 y=$((x + 1)) z=(--dry-run)',
      'for f in a b c; do stat -c %s "$f" > out.txt 2>&1; done',
      'if ! [ -f x ]; then echo no < /dev/null; elif true; then :; fi',
      'while false; do sleep 1; done',
    ].join('\n');

    // Act
    const found = names(script);

    // Assess
    expect(found).toEqual(['stat', '[', 'echo', 'true', ':', 'false', 'sleep']);
  });

  it('reads [[ ... ]] as one test command, whatever operators it holds', () => {
    // Act
    const { commands } = readShell('if [[ $a =~ $re && $b == x || ( $c < d ) ]]; then echo ok; fi');

    // Assess
    expect(commands.map((command) => command.words[0])).toEqual(['[[', 'echo']);
  });

  it('records function definitions so that calls to them are recognised', () => {
    // Act
    const script = readShell('row() {\n  printf "%s" "$1"\n}\nrow a');

    // Assess
    expect(script.functions).toEqual(['row']);
    expect(script.commands.map((command) => command.words[0])).toEqual(['printf', 'row']);
  });

  it('reads subshells, escaped parentheses and line continuations', () => {
    // Act
    const found = names('( node bin/hadoku-route.js drill ) < /dev/null > /dev/null 2>&1 &\nfind . \\( -name a \\) \\\n  -type f');

    // Assess
    expect(found).toEqual(['node', 'find']);
    expect(readShell('find . \\( -name a \\) \\\n  -type f').commands[0].words).toEqual([
      'find',
      '.',
      '(',
      '-name',
      'a',
      ')',
      '-type',
      'f',
    ]);
  });

  it('replaces GitHub expressions with a placeholder word', () => {
    // Act
    const { commands } = readShell('echo ${{ inputs.app }}');

    // Assess
    expect(commands[0].words).toEqual(['echo', EXPRESSION_PLACEHOLDER]);
  });

  it.each([
    ['a heredoc', 'cat <<EOF\nx\nEOF'],
    ['backticks', 'echo `date`'],
    ['case', 'case $a in x) echo;; esac'],
    ['an unterminated quote', 'echo "oops'],
    ['an unbalanced $(', 'echo $(date'],
  ])('throws ShellSyntaxError on %s rather than missing a command', (_label, script) => {
    // Act / Assess
    expect(() => readShell(script)).toThrow(ShellSyntaxError);
  });
});
