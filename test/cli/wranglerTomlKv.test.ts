import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findStageKvId, setStageKvId, WranglerTomlError } from '../../infra/hosts/wranglerTomlKv.ts';
import { REPO_ROOT } from '../infra/stackFixture.ts';

const ID = '0123456789abcdef0123456789abcdef';
const STAGES = `# top comment
name = "w"

[[kv_namespaces]]
binding = "SETTINGS"
id = "top"

[env.dev]
# dev comment

[[env.dev.kv_namespaces]]
binding = "OTHER"
id = "other"

[[env.dev.kv_namespaces]]
id = "old"   # keep me
binding = "SETTINGS"

[env.dev.vars]
A = "1"

[env.prod]
[env.prod.vars]
B = "2"
# trailing comment of prod

# ---- next block
[triggers]
crons = []
`;

describe('Function: findStageKvId', () => {
  it.each([
    ['dev', 'SETTINGS', { hasStage: true, id: 'old' }],
    ['dev', 'OTHER', { hasStage: true, id: 'other' }],
    ['prod', 'SETTINGS', { hasStage: true, id: null }],
    ['qa', 'SETTINGS', { hasStage: false, id: null }],
  ])('stage %s binding %s', (stage, binding, expected) => {
    expect(findStageKvId(STAGES, stage, binding)).toEqual(expected);
  });
});

describe('Function: setStageKvId', () => {
  it('replaces only the quoted id of the stage binding: every other byte stays', () => {
    // Act
    const edit = setStageKvId(STAGES, 'dev', 'SETTINGS', ID);

    // Assess
    expect(edit).toMatchObject({ action: 'replaced', previousId: 'old' });
    expect(edit.text).toBe(STAGES.replace('id = "old"   # keep me', `id = "${ID}"   # keep me`));
  });

  it('is idempotent: the same id again changes nothing', () => {
    // Prepare
    const once = setStageKvId(STAGES, 'dev', 'SETTINGS', ID).text;

    // Act
    const again = setStageKvId(once, 'dev', 'SETTINGS', ID);

    // Assess
    expect(again).toEqual({ text: once, action: 'unchanged', previousId: ID });
  });

  it("adds a table after the stage's last table when the stage has no binding, before the next block's comments", () => {
    // Act
    const edit = setStageKvId(STAGES, 'prod', 'SETTINGS', ID);

    // Assess
    expect(edit.action).toBe('added');
    expect(edit.text).toBe(STAGES.replace('B = "2"\n', `B = "2"\n\n[[env.prod.kv_namespaces]]\nbinding = "SETTINGS"\nid = "${ID}"\n`));
    expect(findStageKvId(edit.text, 'prod', 'SETTINGS').id).toBe(ID);
  });

  it('adds an id line to a binding table that has none', () => {
    // Prepare
    const text = '[env.dev]\n[[env.dev.kv_namespaces]]\nbinding = "SETTINGS"\n';

    // Act / Assess
    expect(setStageKvId(text, 'dev', 'SETTINGS', ID).text).toBe(
      `[env.dev]\n[[env.dev.kv_namespaces]]\nbinding = "SETTINGS"\nid = "${ID}"\n`,
    );
  });

  it('keeps CRLF line ends and single-quoted strings', () => {
    // Prepare
    const text = "[env.dev]\r\n[[env.dev.kv_namespaces]]\r\nbinding = 'SETTINGS'\r\nid = 'old'\r\n";

    // Act / Assess
    expect(setStageKvId(text, 'dev', 'SETTINGS', ID).text).toBe(
      `[env.dev]\r\n[[env.dev.kv_namespaces]]\r\nbinding = 'SETTINGS'\r\nid = "${ID}"\r\n`,
    );
  });

  it.each([
    ['a stage with no [env.<stage>] block', STAGES, 'qa', 'has no [env.qa] block'],
    ['an inline kv_namespaces array', '[env.dev]\nkv_namespaces = [{ binding = "SETTINGS", id = "x" }]\n', 'dev', 'inline'],
  ])('refuses %s, naming what to do', (_label, text, stage, message) => {
    // Act / Assess
    expect(() => setStageKvId(text, stage, 'SETTINGS', ID)).toThrow(WranglerTomlError);
    expect(() => setStageKvId(text, stage, 'SETTINGS', ID)).toThrow(message);
  });
});

describe("The repository's wrangler.toml", () => {
  const text = readFileSync(join(REPO_ROOT, 'wrangler.toml'), 'utf8');

  it.each(['dev', 'prod'])('[env.%s]: the edit changes one line, the id, and wrangler reads the new id', async (stage) => {
    // Act
    const edit = setStageKvId(text, stage, 'SETTINGS', ID);

    // Assess: line by line, only the id line differs.
    const before = text.split('\n');
    const after = edit.text.split('\n');
    expect(after.length).toBe(before.length);
    const changed = after.flatMap((line, index) => (line === before[index] ? [] : [[before[index], line]]));
    expect(changed).toEqual([[expect.stringMatching(/^id = "/), `id = "${ID}"`]]);
    const { unstable_readConfig } = (await import('wrangler')) as unknown as {
      unstable_readConfig(
        args: { config: string; env?: string },
        options?: object,
      ): { kv_namespaces: Array<{ binding: string; id: string }> };
    };
    const file = join(mkdtempSync(join(tmpdir(), 'hadoku-toml-')), 'wrangler.toml');
    writeFileSync(file, edit.text);
    const read = unstable_readConfig({ config: file, env: stage }, { hideWarnings: true });
    expect(read.kv_namespaces.find((ns) => ns.binding === 'SETTINGS')?.id).toBe(ID);
  });
});
