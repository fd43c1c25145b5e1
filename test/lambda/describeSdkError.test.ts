import { describe, expect, it } from 'vitest';
import { describeSdkError, SsmReadError } from '../../functions/lambda/errors.ts';

describe('describeSdkError: what a log line or last_error says of an SDK failure', () => {
  const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
  it.each([
    ['a plain error', throttled, 'ThrottlingException: Rate exceeded'],
    [
      'a wrapped error: the innermost',
      new SsmReadError('read failed', { cause: new Error('outer', { cause: throttled }) }),
      'ThrottlingException: Rate exceeded',
    ],
    ['not an Error', 'boom', 'unknown error'],
    ['undefined', undefined, 'unknown error'],
  ])('%s', (_name, error, expected) => {
    expect(describeSdkError(error)).toBe(expected);
  });
});
