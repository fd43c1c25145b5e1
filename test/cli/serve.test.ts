import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.ts';
import { answers, cliEnv, runCli, startCli, tempDir, writeFixture, type RunningCli } from './cliProcess.ts';

const running: RunningCli[] = [];
const upstreams: Server[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.stop('SIGKILL').catch(() => undefined)));
  await Promise.all(upstreams.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A real upstream on loopback that says who it is. */
async function upstream(id: string): Promise<string> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ provider: id, path: req.url }));
  });
  upstreams.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('CLI: serve --runtime express', () => {
  it('prints the listening line once it answers, routes, and exits 0 on SIGINT', async () => {
    // Prepare
    const dir = tempDir();
    const base = await upstream('1');
    writeFixture(dir, 'route-config.json', { global_priority: '1', providers: { '1': '${LOCAL_BASE}' }, backend_source: 'id' });
    const port = await freePort();
    // Act
    const cli = startCli(['serve', '--port', String(port)], { cwd: dir, env: cliEnv({ LOCAL_BASE: base }) });
    running.push(cli);
    await cli.waitForStdout(/listening on http:\/\/127\.0\.0\.1:\d+\n/);
    // Assess
    expect(cli.output().stdout.split('\n')[0]).toBe(`listening on http://127.0.0.1:${port}`);
    const health = await fetch(`http://127.0.0.1:${port}/_router/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const routed = await fetch(`http://127.0.0.1:${port}/demo/api/x`);
    expect(routed.status).toBe(200);
    expect(routed.headers.get('x-backend-source')).toBe('1');
    const result = await cli.stop('SIGINT');
    expect(result.code).toBe(0);
    expect(await answers(`http://127.0.0.1:${port}/_router/health`)).toBe(false);
  });

  it('closes and exits 0 on SIGTERM too', async () => {
    const dir = tempDir();
    writeFixture(dir, 'c.json', { providers: { '1': 'http://127.0.0.1:9' } });
    const cli = startCli(['serve', '--config', 'c.json', '--port', '0'], { cwd: dir });
    running.push(cli);
    const [, url] = await cli.waitForStdout(/listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
    expect(await answers(`${url}/_router/health`)).toBe(true);
    const result = await cli.stop('SIGTERM');
    expect(result.code).toBe(0);
    expect(await answers(`${url}/_router/health`)).toBe(false);
  });

  it('on SIGTERM stops accepting but lets a request in flight finish, then exits 0', async () => {
    // Prepare: a provider that takes 800 ms to answer.
    const slow = createServer((_req, res) => setTimeout(() => res.end('slow answer'), 800));
    upstreams.push(slow);
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const dir = tempDir();
    writeFixture(dir, 'c.json', { global_priority: '1', providers: { '1': `http://127.0.0.1:${(slow.address() as AddressInfo).port}` } });
    const cli = startCli(['serve', '--config', 'c.json', '--port', '0'], { cwd: dir });
    running.push(cli);
    const [, url] = await cli.waitForStdout(/listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
    // Act: the request is on its way to the provider when SIGTERM arrives.
    const inFlight = fetch(`${url}/demo/api/x`);
    await new Promise((r) => setTimeout(r, 200));
    const stopped = cli.stop('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    const refused = await answers(`${url}/_router/health`);
    // Assess
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('slow answer');
    expect(refused, 'no new connection is accepted once SIGTERM arrived').toBe(false);
    expect((await stopped).code).toBe(0);
  });

  it('exits 1 naming ROUTE_SELF when it names no provider of the config', async () => {
    const dir = tempDir();
    writeFixture(dir, 'c.json', { providers: { '1': 'http://127.0.0.1:9', '2': 'http://127.0.0.1:10' } });
    const result = await runCli(['serve', '--config', 'c.json', '--port', '0', '--self', '7'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ROUTE_SELF: unknown provider id "7" (known: 1, 2)');
  });

  it.each([
    [['--apps', 'task,nope'], 'ROUTE_APPS: unknown app "nope" (the registry has: task, watchparty'],
    [['--apps', ''], '--apps needs at least one app name'],
    [['--apps', 'task', '--no-apps'], '--apps and --no-apps exclude each other'],
  ])('exits 1 on a bad app selection %j, naming it', async (flags, message) => {
    const dir = tempDir();
    writeFixture(dir, 'c.json', { providers: { '1': 'http://127.0.0.1:9' } });
    const result = await runCli(['serve', '--config', 'c.json', '--port', '0', ...flags], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });

  it('exits 1 listing every error with its field when the config is invalid at start', async () => {
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', {
      global_priority: '12',
      routes: { task: { priority: '9' } },
      providers: { '1': 'not a url', '2': '${UNSET_BASE}' },
      timeout_ms: 'fast',
    });
    const result = await runCli(['serve', '--port', '0'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('listening on');
    expect(result.stderr).toMatch(/invalid config, \d+ errors/);
    expect(result.stderr).toMatch(/routes\.task\.priority: unknown provider id "9"/);
    expect(result.stderr).toMatch(/providers\.1: /);
    expect(result.stderr).toMatch(/providers\.2: \$\{UNSET_BASE\} is not set/);
    expect(result.stderr).toMatch(/timeout_ms: /);
  });

  it('exits 1 when the config file does not exist, naming --config', async () => {
    const result = await runCli(['serve', '--config', 'nowhere.json', '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot read config .*nowhere\.json: no such file \(choose another with --config FILE\)/);
  });

  it('exits 1 when the port is taken, naming --port', async () => {
    const dir = tempDir();
    writeFixture(dir, 'route-config.json', { providers: { '1': 'http://127.0.0.1:9' } });
    const taken = await upstream('x');
    const port = new URL(taken).port;
    const result = await runCli(['serve', '--port', port], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is already in use (choose another with --port)`);
  });
});

describe('CLI: serve --runtime lambda', () => {
  it("prints the handler's Powertools request line as one JSON line on stdout per request", async () => {
    // Prepare
    const dir = tempDir();
    const base = await upstream('1');
    writeFixture(dir, 'route-config.json', { global_priority: '1', providers: { '1': '${LOCAL_BASE}' }, backend_source: 'id' });
    const cli = startCli(['serve', '--runtime', 'lambda', '--port', '0'], { cwd: dir, env: cliEnv({ LOCAL_BASE: base }) });
    running.push(cli);
    const [, url] = await cli.waitForStdout(/listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
    // Act
    const routed = await fetch(`${url}/demo/api/lambda-line`);
    await routed.arrayBuffer();
    // Assess: the line arrives through serve's own output, whole, with Powertools' keys
    const [line] = await cli.waitForStdout(/^\{.*"\/demo\/api\/lambda-line".*\}$/m, 10_000);
    const entry = JSON.parse(line) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'INFO', message: 'routed', service: 'hadoku-route', provider: '1', status: 200 });
    expect(cli.output().stdout.match(/lambda-line/g)).toHaveLength(1);
    expect((await cli.stop('SIGINT')).code).toBe(0);
  });
});
