import { describe, expect, it } from 'vitest';
import { cliEnv, runCli, runCliInProcess, tempDir, writeFixture } from './cliProcess.ts';

// SPEC 1: a value substituted for a ${VAR} may be a secret, and so may the config text around a
// JSON syntax error. Neither may reach stdout or stderr of the commands that check or write a
// config, with or without --json, even with HADOKU_DEBUG (which prints error causes).
const SECRET = 'hunter2-Zq9xv';
const env = cliEnv({ SECRET, PROVIDER_URL: `https://admin:${SECRET}@provider.example`, HADOKU_DEBUG: '1' });

const auth = { header: 'X-Admin-Key', value: '${SECRET}' };
const base = { global_priority: '1', providers: { '1': 'https://one.example', '2': 'https://two.example' } };
// `flipFixes`: `flip task 2` turns this config into a valid one (exit 0).
const json = (config: object) => JSON.stringify({ ...base, ...config });
const authHead = '{"routes": {"task": {"priority": "1", "auth": {"header": "X-K", "value": ';
const CONFIGS: ReadonlyArray<{ name: string; text: string; valid: boolean; flipFixes?: boolean }> = [
  { name: 'valid, auth value from ${SECRET}', valid: true, text: json({ routes: { task: { priority: '12', auth } } }) },
  { name: 'bad priority, auth from ${SECRET}', valid: false, flipFixes: true, text: json({ routes: { task: { priority: '19', auth } } }) },
  {
    name: 'provider base from ${PROVIDER_URL} carrying credentials',
    valid: false,
    text: json({ providers: { '1': '${PROVIDER_URL}', '2': 'https://two.example' }, routes: { task: { priority: '12' } } }),
  },
  { name: 'wrong enum value from ${SECRET}', valid: false, text: json({ backend_source: '${SECRET}', routes: {} }) },
  { name: 'JSON syntax error at an unquoted secret', valid: false, text: `${authHead}${SECRET}}}}}` },
  { name: 'JSON syntax error right after a quoted secret', valid: false, text: `${authHead}"${SECRET}" "x"}}}}` },
];

// flip edits ./route-config.json; validate and push read next.json (push writes to other.json).
const COMMANDS: ReadonlyArray<readonly string[]> = [
  ['validate', 'next.json'],
  ['validate', 'next.json', '--json'],
  ['validate', 'next.json', '--strict'],
  // --no-probe: these rows are about messages; the providers here are not reachable.
  ['flip', 'task', '2', '--dry-run', '--no-probe'],
  ['flip', 'task', '2', '--dry-run', '--no-probe', '--json'],
  ['push', 'next.json', '--dry-run', '--config', 'other.json'],
  ['push', 'next.json', '--dry-run', '--config', 'other.json', '--json'],
  ['show'],
  ['show', '--json'],
];

const rows = CONFIGS.flatMap((config) =>
  COMMANDS.map((args) => {
    const code = config.valid || (args[0] === 'flip' && config.flipFixes) ? 0 : 1;
    return { config: config.name, args, text: config.text, code };
  }),
);

// The JSON-syntax rows (the config text around the error may be printed) run through the binary.
const spawnedRows = new Set(rows.filter((row) => row.config.startsWith('JSON syntax error at')));

describe('CLI: no secret in any output', () => {
  it.each(rows)('$config: $args', async (row) => {
    const { args, text, code } = row;
    // Prepare
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', text);
    writeFixture(dir, 'next.json', text);
    // Act: in-process (what reaches the process's own stdout/stderr is captured too); one row per
    // command through the binary as well, so the process boundary adds nothing of its own
    const run = spawnedRows.has(row) ? runCli : runCliInProcess;
    const result = await run([...args], { cwd: dir, env });
    // Assess: the command ran to a verdict, and the secret is nowhere in it
    expect(result.code).toBe(code);
    const output = `${result.stdout}\n${result.stderr}`;
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain('hunter2');
  });
});
