import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildLambdaBundle, type LambdaBundle } from '../../functions/lambda/bundling.ts';
import type * as HandlerModule from '../../functions/lambda/handler.ts';
export { setProcessEnv } from '../../infra/hosts/setProcessEnv.ts';

/** The bundle `cdk deploy` ships, built into a temp dir and imported. */
export interface ImportedBundle {
  module: typeof HandlerModule;
  bundle: LambdaBundle;
  /** Deletes the temp dir. */
  cleanup(): Promise<void>;
}

/**
 * Builds the Lambda bundle with the production esbuild options (`buildLambdaBundle`) and imports
 * it, so tests exercise the artifact, not the source.
 */
export async function importBundle(bakedConfig: string | undefined): Promise<ImportedBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'hadoku-lambda-'));
  const bundle = await buildLambdaBundle(dir, bakedConfig);
  const module = (await import(pathToFileURL(bundle.file).href)) as typeof HandlerModule;
  return { module, bundle, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Environment every SDK call needs to stay on 127.0.0.1 with dummy credentials (TOOLCHAIN.md). */
export const OFFLINE_AWS_ENV: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
  AWS_SECRET_ACCESS_KEY: 'local-test-secret',
  AWS_REGION: 'eu-west-1',
  AWS_EC2_METADATA_DISABLED: 'true',
};
