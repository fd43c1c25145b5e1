import { describe, expect, it } from 'vitest';
import {
  AppRegistryError,
  AttemptTimeoutError,
  ClientAbortError,
  ConfigError,
  ConfigSourceError,
  ConfigUnavailableError,
  ConfigValidationError,
} from '../../shared/index.ts';

const cause = new Error('root cause');
/** Any error class, whatever its constructor takes. */
type ErrorClass = abstract new (...args: never[]) => Error;

describe('Module: errors', () => {
  it.each<[string, Error, string, string, ErrorClass]>([
    ['ConfigError', new ConfigError('bad', { cause }), 'ConfigError', 'bad', Error],
    [
      'ConfigValidationError with one problem',
      new ConfigValidationError(['a: bad'], { cause }),
      'ConfigValidationError',
      'invalid route config: a: bad',
      ConfigError,
    ],
    [
      'ConfigValidationError with two problems',
      new ConfigValidationError(['a: bad', 'b: worse']),
      'ConfigValidationError',
      'invalid route config (2 errors):\n  - a: bad\n  - b: worse',
      ConfigError,
    ],
    ['ConfigSourceError', new ConfigSourceError('kv unreachable', { cause }), 'ConfigSourceError', 'kv unreachable', ConfigError],
    [
      'ConfigUnavailableError by default',
      new ConfigUnavailableError(),
      'ConfigUnavailableError',
      'Routing configuration not found',
      ConfigError,
    ],
    [
      'ConfigUnavailableError with a message',
      new ConfigUnavailableError('none baked', { cause }),
      'ConfigUnavailableError',
      'none baked',
      ConfigError,
    ],
    ['AttemptTimeoutError', new AttemptTimeoutError(250), 'AttemptTimeoutError', 'no response headers within 250 ms', Error],
    ['ClientAbortError', new ClientAbortError(), 'ClientAbortError', 'client closed the request', Error],
    ['AppRegistryError', new AppRegistryError('ROUTE_APPS names "x"', { cause }), 'AppRegistryError', 'ROUTE_APPS names "x"', Error],
  ])('%s has its name, message and base class', (_label, error, name, message, base) => {
    expect(error.name).toBe(name);
    expect(error.message).toBe(message);
    expect(error).toBeInstanceOf(base);
  });

  it('keeps the cause it was given, and lists every validation problem', () => {
    expect(new ConfigSourceError('x', { cause }).cause).toBe(cause);
    expect(new AppRegistryError('x', { cause }).cause).toBe(cause);
    expect(new ConfigValidationError(['a', 'b']).errors).toEqual(['a', 'b']);
  });
});
