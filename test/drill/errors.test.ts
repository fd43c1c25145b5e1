import { describe, expect, it } from 'vitest';
import {
  DisablerFailedError,
  DisablerUnavailableError,
  type DrillError,
  DrillInputError,
  InvalidModeError,
  InvalidRouterUrlError,
  NoDrillAppError,
  OutOfBoundsError,
  RouterUnreachableError,
  UnknownProviderError,
} from '../../infra/drill/index.ts';
import { CliError } from '../../infra/kit/errors.ts';
import { ExitCode } from '../../infra/kit/exitCodes.ts';

// Issue 14: the drill's errors are the CLI kit's, each carrying its exit code, so `hadoku-route
// drill` reports them as every other command does (main prints the message, exits with the code).
describe('Module: drill errors', () => {
  it.each<[string, DrillError, number]>([
    ['an input refused', new DrillInputError('drill: --path must start with /'), ExitCode.invalid],
    ['a router URL that is not one', new InvalidRouterUrlError('localhost:8787'), ExitCode.invalid],
    ['a router that does not answer', new RouterUnreachableError('http://127.0.0.1:1', 'connection refused'), ExitCode.invalid],
    ['an unknown provider', new UnknownProviderError('9', ['1', '2']), ExitCode.invalid],
    ['a number out of bounds', new OutOfBoundsError('--rate', 0, 1, 500, 'requests per second'), ExitCode.invalid],
    ['an unknown mode', new InvalidModeError('sleep'), ExitCode.invalid],
    ['no app through the provider', new NoDrillAppError('3'), ExitCode.invalid],
    ['a disabler that cannot act', new DisablerUnavailableError('drill: not a stand-in'), ExitCode.invalid],
    ['a disabler that failed while the drill ran', new DisablerFailedError('disable', "'false' failed"), ExitCode.disabler],
  ])('%s: a CliError with exit %s, named after its class', (_name, error, exitCode) => {
    expect(error).toBeInstanceOf(CliError);
    expect(error.exitCode).toBe(exitCode);
    expect(error.name).toBe(error.constructor.name);
    expect(error.message).toMatch(/^drill: /);
  });
});
