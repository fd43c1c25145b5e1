import { describe, expect, it } from 'vitest';
import { COMMAND_EXIT_CODES_HELP, EXIT_CODE_TABLE, EXIT_CODES_HELP, ExitCode, exitCodesHelp } from '../../infra/kit/exitCodes.ts';

// Issue 14: one table of exit codes for every command (the drill's 3 and 4 included); each help
// text is derived from it.
describe('Module: exitCodes', () => {
  it('lists each code once per command, and every ExitCode value in the table', () => {
    const keys = EXIT_CODE_TABLE.map((row) => `${row.code}:${row.command ?? '*'}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const code of Object.values(ExitCode)) expect(EXIT_CODE_TABLE.some((row) => row.code === code)).toBe(true);
    // A code above 2 belongs to one command: it must say which.
    for (const row of EXIT_CODE_TABLE.filter((r) => r.code > 2)) expect(row.command).toBeDefined();
  });

  it.each<[string, Parameters<typeof exitCodesHelp>, string[]]>([
    ['the shared codes by default', [], EXIT_CODES_HELP],
    [
      'only the codes given',
      [[0, 1]],
      ['  0  done', '  1  invalid input or config (bad flag, unknown command, config that does not validate)'],
    ],
    [
      "drill's 3 and 4",
      [[3, 4], 'drill'],
      [
        '  3  an idempotent (GET) request failed during the drill, or nothing was sent',
        '  4  the provider could not be disabled or re-enabled (the command or stand-in failed)',
      ],
    ],
    [
      "flip's 3 (flip lists it without naming itself)",
      [[3]],
      ['  3  rolled back: the new first provider failed while watched, the previous config was written back'],
    ],
    ['a shared code read for a command', [[2], 'drill'], ['  2  store unreachable, or changed since it was read (conflict)']],
  ])('exitCodesHelp: %s', (_name, args, lines) => {
    expect(exitCodesHelp(...args)).toEqual(lines);
  });

  it('the top-level help names the command of each code that is not shared', () => {
    expect(COMMAND_EXIT_CODES_HELP).toEqual([
      '  3  flip --watch: rolled back (the new first provider failed while watched)',
      '  3  drill: an idempotent request failed during the drill',
      '  4  drill: the provider could not be disabled or re-enabled',
    ]);
  });
});
