import { workerBundle } from '../../infra/package/wranglerBundle.ts';
import type { BundleReport } from './bundleReport.ts';

/**
 * The real `wrangler deploy --dry-run` bundle of the repository in `cwd`, measured (the shared
 * tool in infra/package/wranglerBundle.ts). Never throws: a failed build is reported in `error`.
 */
export async function buildBundle(cwd: string): Promise<BundleReport> {
  const bundle = await workerBundle(cwd);
  return { ok: bundle.error === null, ...bundle };
}
