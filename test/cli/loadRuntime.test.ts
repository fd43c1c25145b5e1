import { describe, expect, it } from 'vitest';
import { loadRuntime } from '../../infra/hosts/loadRuntime.ts';
import { RUNTIME_NAMES } from '../../infra/hosts/types.ts';

describe('Function: loadRuntime', () => {
  it.each(RUNTIME_NAMES)('loads the %s runtime as a serve function', async (name) => {
    expect(typeof (await loadRuntime(name))).toBe('function');
  });
});
