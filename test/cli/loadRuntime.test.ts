import { describe, expect, it } from 'vitest';
import { RuntimeUnavailableError } from '../../infra/cli/errors.ts';
import { loadRuntime } from '../../infra/cli/runtimes/loadRuntime.ts';

// Paths are relative to infra/cli/runtimes/loadRuntime.ts.
const modules = {
  express: { file: './express.ts', exportName: 'serveExpress' },
  worker: { file: './not-shipped-yet.ts', exportName: 'serveWorker' },
  lambda: { file: '../../../test/cli/fixtures/brokenRuntime.js', exportName: 'serveBroken' },
};

describe('Function: loadRuntime', () => {
  it('loads a runtime that is there', async () => {
    expect(typeof (await loadRuntime('express', modules))).toBe('function');
  });

  it('says a runtime whose module is absent is not available yet', async () => {
    const error = await loadRuntime('worker', modules).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeUnavailableError);
    expect((error as Error).message).toBe('the worker runtime is not available yet in this version of hadoku-route');
    expect((error as RuntimeUnavailableError).exitCode).toBe(1);
  });

  it('rethrows a broken import inside a runtime that is there (a bug, not "not available")', async () => {
    const error = await loadRuntime('lambda', modules).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(RuntimeUnavailableError);
    expect((error as { code?: string }).code).toBe('ERR_MODULE_NOT_FOUND');
  });
});
