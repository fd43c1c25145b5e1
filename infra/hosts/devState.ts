/**
 * How `hadoku-route drill` finds the running `hadoku-route dev` that owns a local stack: each
 * `dev` writes a state file (its pid, its loopback control URL, a random token, and every
 * stack's URL) into a private folder; the drill looks up the provider's base URL there.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a `dev` process publishes about itself. */
export interface DevState {
  pid: number;
  /** `http://127.0.0.1:<port>` of the control endpoint. */
  control: string;
  /** Bearer token the control endpoint requires (the file is readable by its owner only). */
  token: string;
  stacks: Array<{ id: string; runtime: string; url: string }>;
}

/** A stack found in a running `dev`'s state. */
export interface DevStackRef {
  control: string;
  token: string;
  stack: { id: string; runtime: string; url: string };
}

/**
 * The folder state files live in: private to this user (mode 0700), under the system temp dir.
 *
 * @default `<tmpdir>/hadoku-route-<uid>`
 */
export function devStateDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return join(tmpdir(), `hadoku-route-${uid}`);
}

/**
 * Writes this process's state file (mode 0600) and returns a function that removes it.
 *
 * @example
 * const remove = writeDevState({ pid: process.pid, control, token, stacks });
 */
export function writeDevState(state: DevState, dir = devStateDir()): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `dev-${state.pid}.json`);
  writeFileSync(file, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  return () => rmSync(file, { force: true });
}

/**
 * Finds the running `dev` whose stack serves `base` (a provider base URL from `/_config/route`).
 * State files of processes that are gone are skipped (and removed); a folder that is not this
 * user's own is ignored, so another account cannot plant a control URL.
 *
 * @returns `null` when no running `dev` owns a stack at that URL.
 * @example
 * findDevStack('http://127.0.0.1:8789'); // { control: 'http://127.0.0.1:40123', token: '…', stack: { id: '3', ... } }
 */
export function findDevStack(base: string, dir = devStateDir()): DevStackRef | null {
  if (!ownDir(dir)) return null;
  const wanted = normalise(base);
  for (const name of readdirSync(dir).filter((n) => /^dev-\d+\.json$/.test(n))) {
    const state = readState(join(dir, name));
    if (!state) continue;
    if (!alive(state.pid)) {
      rmSync(join(dir, name), { force: true });
      continue;
    }
    const stack = state.stacks.find((s) => normalise(s.url) === wanted);
    if (stack) return { control: state.control, token: state.token, stack };
  }
  return null;
}

function ownDir(dir: string): boolean {
  try {
    const stat = statSync(dir);
    const uid = typeof process.getuid === 'function' ? process.getuid() : stat.uid;
    return stat.isDirectory() && stat.uid === uid;
  } catch {
    return false;
  }
}

function readState(file: string): DevState | null {
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevState>;
    const ok = typeof state.pid === 'number' && typeof state.control === 'string' && typeof state.token === 'string';
    return ok && Array.isArray(state.stacks) ? (state as DevState) : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: gone. EPERM: it exists but belongs to someone else, so it is not our dev either.
    return false;
  }
}

function normalise(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname === 'localhost' ? '127.0.0.1' : parsed.hostname;
    return `${parsed.protocol}//${host}:${parsed.port}${parsed.pathname.replace(/\/+$/, '')}`;
  } catch {
    return url.replace(/\/+$/, '');
  }
}
