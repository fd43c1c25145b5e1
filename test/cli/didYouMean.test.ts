import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../infra/cli/didYouMean.ts';

const COMMANDS = ['serve', 'validate', 'schema', 'dev', 'drill', 'flip', 'show', 'push', 'history', 'rollback'];

describe('Function: didYouMean', () => {
  it.each([
    { input: 'flp', expected: 'flip' }, // a letter missing
    { input: 'filp', expected: 'flip' }, // two letters swapped
    { input: 'flipp', expected: 'flip' }, // one too many
    { input: 'FLIP', expected: 'flip' }, // case
    { input: 'valdiate', expected: 'validate' },
    { input: 'rolback', expected: 'rollback' },
    { input: 'val', expected: 'validate' }, // a unique prefix
    { input: 'hist', expected: 'history' },
    { input: 'sh', expected: undefined }, // too short to guess (show? schema?)
    { input: 'deploy', expected: undefined }, // not close to anything
    { input: 'shop', expected: 'show' },
    { input: 'xyzw', expected: undefined }, // four letters: one edit at most
    { input: '', expected: undefined },
  ])('$input -> $expected', ({ input, expected }) => {
    expect(didYouMean(input, COMMANDS)).toBe(expected);
  });

  it('suggests flags with their dashes', () => {
    expect(didYouMean('--dryrun', ['--dry-run', '--yes', '--json'])).toBe('--dry-run');
    expect(didYouMean('--jsno', ['--dry-run', '--yes', '--json'])).toBe('--json');
    expect(didYouMean('--verbose', ['--dry-run', '--yes', '--json'])).toBeUndefined();
  });
});
