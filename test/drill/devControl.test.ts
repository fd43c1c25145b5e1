import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevControl, type DevControl } from '../../infra/hosts/devControl.ts';
import { findDevStack, type DevState } from '../../infra/hosts/devState.ts';
import type { LocalStack } from '../../infra/hosts/localStack.ts';

// The control endpoint `dev` serves so that `drill --disable N` can drain a local stack, with
// stacks that only record what they were told (the real restarts run in test/cli/drill.test.ts).
const switched: Array<{ id: string; on: boolean }> = [];
function fakeStack(id: string, runtime: 'express' | 'worker' | 'lambda', url: string): LocalStack {
  let drained = false;
  return {
    spec: { id, runtime, envVar: 'X' },
    url,
    draining: () => drained,
    async setDrain(on) {
      switched.push({ id, on });
      drained = on;
    },
    close: async () => undefined,
  };
}

let stateDir: string;
let control: DevControl;
let state: DevState;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'hadoku-devstate-'));
  const stacks = [fakeStack('1', 'express', 'http://127.0.0.1:18787'), fakeStack('3', 'lambda', 'http://127.0.0.1:18789')];
  control = await startDevControl({ stacks, stateDir });
  state = JSON.parse(readFileSync(join(stateDir, `dev-${process.pid}.json`), 'utf8')) as DevState;
});
afterAll(async () => {
  await control?.close();
});

/** A raw request, so the Host header can be anything. */
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  const url = new URL(control.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers, setHost: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

describe('Function: startDevControl', () => {
  const host = (): string => new URL(control.url).host;
  const auth = (): string => `Bearer ${state.token}`;

  it('publishes a state file only its owner can read, naming the control URL and every stack', () => {
    expect(statSync(join(stateDir, `dev-${process.pid}.json`)).mode & 0o777).toBe(0o600);
    const stacks = [
      { id: '1', runtime: 'express' },
      { id: '3', runtime: 'lambda' },
    ];
    expect(state).toMatchObject({ pid: process.pid, control: control.url, stacks });
    expect(state.token).toMatch(/^[0-9a-f]{48}$/);
  });

  const allowed = (): Record<string, string> => ({ host: host(), authorization: auth() });
  const drainOn = '{"drain":true}';
  it.each([
    { name: 'no token', method: 'POST', path: '/stacks/1/drain', headers: () => ({ host: host() }), body: drainOn, status: 403 },
    {
      name: 'a wrong token',
      method: 'POST',
      path: '/stacks/1/drain',
      headers: () => ({ host: host(), authorization: `Bearer ${'0'.repeat(48)}` }),
      body: drainOn,
      status: 403,
    },
    {
      name: 'a token of another length',
      method: 'GET',
      path: '/stacks',
      headers: () => ({ ...allowed(), authorization: 'Bearer x' }),
      status: 403,
    },
    {
      name: 'another Host (DNS rebinding)',
      method: 'POST',
      path: '/stacks/1/drain',
      headers: () => ({ host: 'evil.example', authorization: auth() }),
      body: drainOn,
      status: 403,
    },
    { name: 'a stack that is not running', method: 'POST', path: '/stacks/2/drain', headers: allowed, body: drainOn, status: 404 },
    { name: 'a body that is not JSON', method: 'POST', path: '/stacks/1/drain', headers: allowed, body: 'drain', status: 400 },
    { name: 'drain not a boolean', method: 'POST', path: '/stacks/1/drain', headers: allowed, body: '{"drain":"yes"}', status: 400 },
    {
      name: 'a body over 1 KiB',
      method: 'POST',
      path: '/stacks/1/drain',
      headers: allowed,
      body: `{"drain":true,"x":"${'a'.repeat(2e3)}"}`,
      status: 400,
    },
    { name: 'an unknown path', method: 'GET', path: '/stacks/1', headers: allowed, status: 404 },
    { name: 'GET on the switch', method: 'GET', path: '/stacks/1/drain', headers: allowed, status: 404 },
  ])('refuses $name with $status and switches nothing', async ({ method, path, headers, body, status }) => {
    // Prepare
    const before = switched.length;
    // Act
    const answer = await send(method, path, headers(), body);
    // Assess
    expect(answer.status).toBe(status);
    expect(answer.body).not.toContain(state.token);
    expect(switched.length).toBe(before);
  });

  it('drains and restores a stack, and lists its state', async () => {
    const headers = { host: host(), authorization: auth(), 'content-type': 'application/json' };
    const drained = await send('POST', '/stacks/3/drain', headers, '{"drain":true}');
    expect(drained.status).toBe(200);
    const expected = { id: '3', runtime: 'lambda', url: 'http://127.0.0.1:18789', drain: true, took_ms: expect.any(Number) };
    expect(JSON.parse(drained.body)).toMatchObject(expected);
    const listed = JSON.parse((await send('GET', '/stacks', headers)).body) as { stacks: Array<{ id: string; drain: boolean }> };
    expect(listed.stacks.map((s) => [s.id, s.drain])).toEqual([
      ['1', false],
      ['3', true],
    ]);
    expect((await send('POST', '/stacks/3/drain', headers, '{"drain":false}')).status).toBe(200);
    expect(switched.slice(-2)).toEqual([
      { id: '3', on: true },
      { id: '3', on: false },
    ]);
  });
});

describe('Function: findDevStack', () => {
  it('finds the stack serving a provider base URL (localhost or 127.0.0.1, trailing slash or not)', () => {
    expect(findDevStack('http://127.0.0.1:18789/', stateDir)).toEqual({ control: control.url, token: state.token, stack: state.stacks[1] });
    expect(findDevStack('http://localhost:18787', stateDir)?.stack.id).toBe('1');
  });

  it('finds nothing for a URL no dev owns, and skips (and removes) the state of a process that is gone', () => {
    expect(findDevStack('http://127.0.0.1:18788', stateDir)).toBeNull();
    // Prepare: a dead dev's leftover, listing a URL; pid 2^22+1 is above Linux's pid_max
    const stale = join(stateDir, 'dev-4194305.json');
    const stacks = [{ id: '2', runtime: 'worker', url: 'http://127.0.0.1:18788' }];
    writeFileSync(stale, JSON.stringify({ ...state, pid: 4194305, stacks }));
    // Act + Assess
    expect(findDevStack('http://127.0.0.1:18788', stateDir)).toBeNull();
    expect(readdirSync(stateDir)).not.toContain('dev-4194305.json');
  });

  it('ignores a folder that does not exist', () => {
    expect(findDevStack('http://127.0.0.1:18789', join(stateDir, 'nope'))).toBeNull();
  });
});
