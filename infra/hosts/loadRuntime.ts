import type { RuntimeName, ServeRuntime } from './types.ts';

/**
 * Loads the runtime named by `--runtime`. Each runtime is its own module, imported only when
 * asked for, so that `serve --runtime express` never pays for the Worker's (Miniflare, esbuild)
 * or the Lambda's (bundling, SSM server) dependencies.
 *
 * @example
 * const serve = await loadRuntime('worker');
 * const server = await serve({ configPath, port: 0, host: '127.0.0.1', env: process.env });
 */
export async function loadRuntime(name: RuntimeName): Promise<ServeRuntime> {
  switch (name) {
    case 'express':
      return (await import('./express.ts')).serveExpress;
    case 'worker':
      return (await import('./worker.ts')).serveWorker;
    case 'lambda':
      return (await import('./lambda.ts')).serveLambda;
  }
}
