import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { WRANGLER_OFFLINE_ENV } from '../hosts/wranglerOffline.ts';

/** What {@link workerBundle} measured; `error` is set (and the sizes 0) when the build failed. */
export interface WorkerBundle {
  rawBytes: number;
  gzipBytes: number;
  /** wrangler's own `Total Upload` line. */
  wranglerLine: string;
  error: string | null;
}

/**
 * Runs the real `wrangler deploy --dry-run --outdir <tmp>` in `cwd` (offline, no login) and
 * measures the bundle: the one measuring tool the Worker tests and `npm run bench` share. Never
 * throws: a failed build is reported in `error`.
 *
 * @example
 * const b = await workerBundle(repoRoot); // { rawBytes: 41_000, gzipBytes: 12_000, ... }
 */
export async function workerBundle(cwd: string): Promise<WorkerBundle> {
  const outdir = await mkdtemp(join(tmpdir(), 'hadoku-worker-bundle-'));
  const failed = (error: string): WorkerBundle => ({ rawBytes: 0, gzipBytes: 0, wranglerLine: '', error });
  try {
    const wrangler = join(cwd, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
    const { code, output } = await run(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', outdir], cwd);
    if (code !== 0) return failed(output.slice(-2000));
    const js = (await readdir(outdir)).filter((name) => name.endsWith('.js') || name.endsWith('.mjs'));
    const bytes = Buffer.concat(await Promise.all(js.map((name) => readFile(join(outdir, name)))));
    const wranglerLine =
      output
        .split('\n')
        .find((line) => line.includes('Total Upload'))
        ?.trim() ?? '';
    return { rawBytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length, wranglerLine, error: null };
  } catch (error) {
    return failed(String(error));
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...WRANGLER_OFFLINE_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
