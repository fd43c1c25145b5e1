import { describe, expect, it } from 'vitest';
import { runCli, runCliInProcess } from './cliProcess.ts';

// The overview and the version go through the binary; the tables run main() in-process (cliProcess.ts).
const COMMANDS = ['serve', 'validate', 'schema', 'dev', 'drill', 'flip', 'show', 'push', 'history', 'rollback', 'setup'];

describe('CLI: hadoku-route --help', () => {
  it('lists every command and the exit codes', async () => {
    // Act
    const result = await runCli(['--help']);
    // Assess
    expect(result.code).toBe(0);
    for (const name of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${name}\\s+\\S`, 'm'));
    expect(result.stdout).toContain('Exit codes:');
    expect(result.stdout).toMatch(/^ {2}3 {2}drill: /m);
    expect(result.stdout).toMatch(/^ {2}4 {2}drill: /m);
    expect(result.stdout).toMatch(/^ {2}-v, --version +print the version/m);
    expect(result.stdout).toMatch(/^ {2}-h, --help +show this help/m);
  });

  it.each(COMMANDS)('%s --help teaches usage, flags with defaults, examples and exit codes', async (name) => {
    const result = await runCliInProcess([name, '--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    for (const section of ['Usage:', 'Options:', 'Examples:', 'Exit codes:']) expect(result.stdout).toContain(section);
    expect(result.stdout).toContain(`hadoku-route ${name}`);
    expect(result.stdout).toMatch(/^ {2}0 {2}done$/m);
  });

  // Each help lists only the exit codes its command can end with: validate and schema reach no store.
  it.each([
    { name: 'validate', store: false },
    { name: 'schema', store: false },
    { name: 'flip', store: true },
    { name: 'show', store: true },
    { name: 'push', store: true },
    { name: 'history', store: true },
    { name: 'rollback', store: true },
  ])('$name --help lists exit 2 only if it reaches a store ($store)', async ({ name, store }) => {
    const { stdout } = await runCliInProcess([name, '--help']);
    expect(stdout).toMatch(/^ {2}1 {2}invalid input/m);
    if (store) expect(stdout).toMatch(/^ {2}2 {2}store unreachable/m);
    else expect(stdout).not.toMatch(/^ {2}2 {2}/m);
  });

  it.each(['validate', 'flip', 'show', 'push', 'history', 'rollback'])('%s --help documents --json and --strict', async (name) => {
    const { stdout } = await runCliInProcess([name, '--help']);
    expect(stdout).toMatch(/^ {2} {4}--json +print one JSON document/m);
    expect(stdout).toMatch(/^ {2} {4}--strict +every \$\{VAR\} the config uses must be set here/m);
  });

  it('serve --help shows each flag default', async () => {
    const { stdout } = await runCliInProcess(['serve', '--help']);
    expect(stdout).toMatch(/--port N .*\[default: 8787\]/);
    expect(stdout).toMatch(/--config FILE .*\[default: \.\/route-config\.json\]/);
    expect(stdout).toMatch(/--runtime NAME .*\(express\|worker\|lambda\).*\[default: express\]/);
    expect(stdout).toMatch(/--host HOST .*\[default: 127\.0\.0\.1\]/);
  });

  it('drill --help teaches local and deployed drills, the documented drain commands and exit codes 3 and 4', async () => {
    const { stdout } = await runCliInProcess(['drill', '--help']);
    expect(stdout).toContain('npx cdk deploy "HadokuRoute-$STAGE" --require-approval never -c "stage=$STAGE" -c drain=true');
    expect(stdout).toContain('npx cdk deploy "HadokuRoute-$STAGE" --require-approval never -c "stage=$STAGE" -c drain=false');
    expect(stdout).toContain('npx wrangler deploy --var ROUTE_DRAIN:true');
    expect(stdout).toContain('npx wrangler deploy --var ROUTE_DRAIN:false');
    expect(stdout).toMatch(/--rate R .*\[default: 20\]/);
    expect(stdout).toMatch(/--duration S .*\[default: 120\]/);
    expect(stdout).toMatch(/--mode MODE .*\(refuse\|hang\|503\).*\[default: refuse\]/);
    expect(stdout).toMatch(/^ {2}3 {2}an idempotent/m);
    expect(stdout).toMatch(/^ {2}4 {2}the provider could not be disabled/m);
  });

  it('dev --help says it starts all three routers by default', async () => {
    const { stdout } = await runCliInProcess(['dev', '--help']);
    expect(stdout).toMatch(/--runtime NAME .*\[default: express, worker, lambda\]/);
  });

  it('help <command> is the same as <command> --help', async () => {
    const [a, b] = await Promise.all([runCliInProcess(['help', 'validate']), runCliInProcess(['validate', '--help'])]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });
});

describe('CLI: bad command lines exit 1 and say what is wrong', () => {
  it.each([
    { args: [], stderr: /Usage:/ },
    { args: ['nope'], stderr: /unknown command 'nope' \(commands: serve, validate/ },
    { args: ['--nope'], stderr: /unknown flag '--nope'/ },
    { args: ['validate', '--nope'], stderr: /validate: unknown flag '--nope'/ },
    { args: ['serve', '--runtime', 'docker'], stderr: /--runtime must be one of express, worker, lambda \(got 'docker'\)/ },
    { args: ['serve', '--port', 'abc'], stderr: /--port must be a port number 0-65535 \(got 'abc'\)/ },
    { args: ['serve', '--port'], stderr: /serve: flag '--port' needs a value/ },
    { args: ['schema', '--write=yes'], stderr: /schema: flag '--write' takes no value/ },
    { args: ['serve', '--self', '12'], stderr: /--self must be one provider id/ },
    { args: ['schema', 'extra'], stderr: /unexpected argument 'extra'/ },
    { args: ['validate', 'a.json', 'b.json'], stderr: /unexpected argument 'b.json' \(at most 1 expected\)/ },
    { args: ['help', 'nope'], stderr: /unknown command 'nope'/ },
    // A near miss gets a suggestion; a word that is not close to anything gets none
    { args: ['flp', 'task', '21'], stderr: /unknown command 'flp' \(did you mean 'flip'\?\)/ },
    { args: ['filp'], stderr: /unknown command 'filp' \(did you mean 'flip'\?\)/ },
    { args: ['valdate'], stderr: /unknown command 'valdate' \(did you mean 'validate'\?\)/ },
    { args: ['help', 'rollbak'], stderr: /unknown command 'rollbak' \(did you mean 'rollback'\?\)/ },
    { args: ['deploy'], stderr: /unknown command 'deploy' \(commands: / },
    { args: ['--verison'], stderr: /unknown flag '--verison' \(did you mean '--version'\?\)/ },
    { args: ['flip', 'task', '21', '--dryrun'], stderr: /flip: unknown flag '--dryrun' \(did you mean '--dry-run'\?\)/ },
    { args: ['validate', '--quite'], stderr: /validate: unknown flag '--quite' \(did you mean '--quiet'\?\)/ },
    { args: ['show', '--target', 'sm'], stderr: /--target must be one of file, ssm, kv \(got 'sm'\) \(did you mean 'ssm'\?\)/ },
    { args: ['validate', '--frobnicate'], stderr: /validate: unknown flag '--frobnicate'$/m },
  ])('$args', async ({ args, stderr }) => {
    const result = await runCliInProcess(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(stderr);
    expect(result.stdout).toBe('');
  });

  it('points at the command help after a usage error', async () => {
    const result = await runCliInProcess(['serve', '--nope']);
    expect(result.stderr).toContain("run 'hadoku-route serve --help' for usage");
  });

  it('prints the version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
