import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess, tempDir } from './cliProcess.ts';

describe('CLI: schema', () => {
  it('prints the JSON Schema of route-config.json', async () => {
    const result = await runCliInProcess(['schema']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout) as { type?: string; properties?: Record<string, unknown>; required?: string[] };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties ?? {})).toEqual(expect.arrayContaining(['providers', 'routes', 'global_priority']));
    expect(schema.required).toContain('providers');
  });

  it('--write saves it to ./route-config.schema.json, 2-space JSON with a trailing newline', async () => {
    // Prepare
    const dir = tempDir();
    // Act
    const [written, printed] = await Promise.all([runCliInProcess(['schema', '--write'], { cwd: dir }), runCliInProcess(['schema'])]);
    // Assess
    expect(written.code).toBe(0);
    expect(written.stdout).toBe('');
    const text = readFileSync(join(dir, 'route-config.schema.json'), 'utf8');
    expect(text).toBe(`${printed.stdout.trimEnd()}\n`);
    expect(text).toMatch(/^\{\n {2}"/);
  });
});
