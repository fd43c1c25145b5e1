import { RuntimeUnavailableError } from '../errors.ts';
import { isMissingModule } from '../isMissingModule.ts';
import type { RuntimeName, ServeRuntime } from './types.ts';

// Each runtime is its own module, loaded only when asked for, so that `serve --runtime express`
// never pays for (or breaks on) the Worker's or the Lambda's dependencies.
/** Where each runtime lives, relative to this file, and the function it exports. */
export const RUNTIME_MODULES: Readonly<Record<RuntimeName, { file: string; exportName: string }>> = {
  express: { file: './express.ts', exportName: 'serveExpress' },
  worker: { file: './worker.ts', exportName: 'serveWorker' },
  lambda: { file: './lambda.ts', exportName: 'serveLambda' },
};

/**
 * Loads the runtime named by `--runtime`.
 *
 * @throws {RuntimeUnavailableError} when that runtime's module is not in this checkout yet. A
 * missing module further down (a broken import inside it) is a real bug and is rethrown as is.
 */
export async function loadRuntime(
  name: RuntimeName,
  modules: Readonly<Record<string, { file: string; exportName: string }>> = RUNTIME_MODULES,
): Promise<ServeRuntime> {
  const { file, exportName } = modules[name];
  const url = new URL(file, import.meta.url);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url.href)) as Record<string, unknown>;
  } catch (error) {
    if (isMissingModule(error, url)) throw new RuntimeUnavailableError(name, { cause: error });
    throw error;
  }
  const serve = mod[exportName];
  if (typeof serve !== 'function') throw new RuntimeUnavailableError(name);
  return serve as ServeRuntime;
}
