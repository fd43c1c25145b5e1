import { ConfigValidationError } from '../../shared/index.ts';
import { CliError, InvalidConfigError, UsageError } from '../kit/errors.ts';
import { loadRuntime } from './loadRuntime.ts';
import type { RunningServer, RuntimeName, ServeOptions } from './types.ts';
import { probeUrl, waitUntilAnswers } from './waitUntilAnswers.ts';

/**
 * Loads a runtime, starts it and waits until it answers `/_router/health`, translating the ways
 * it can fail to start into CLI errors: invalid config (every error listed), port taken, runtime
 * not shipped yet, or not answering.
 */
export async function startRuntime(runtime: RuntimeName, options: ServeOptions, command: string): Promise<RunningServer> {
  const serve = await loadRuntime(runtime);
  let server: RunningServer;
  try {
    server = await serve(options);
  } catch (error) {
    throw startError(error, runtime, options, command);
  }
  try {
    await waitUntilAnswers(`${probeUrl(server.url)}/_router/health`);
  } catch (error) {
    await server.close().catch(() => undefined);
    throw new CliError(`${command}: the ${runtime} runtime started but does not answer at ${server.url}`, { cause: error });
  }
  return server;
}

function startError(error: unknown, runtime: RuntimeName, options: ServeOptions, command: string): Error {
  if (error instanceof CliError) return error;
  const listed = (error as { errors?: unknown }).errors;
  if (error instanceof ConfigValidationError || (Array.isArray(listed) && (error as Error).name === 'ConfigValidationError')) {
    const errors = (listed as unknown[]).map(String);
    return new InvalidConfigError(`${options.configPath}: invalid config, ${errors.length} error${errors.length === 1 ? '' : 's'}`, {
      details: errors.map((e) => `- ${e}`),
      cause: error,
    });
  }
  if (hasCode(error, 'EADDRINUSE')) {
    return new UsageError(`${command}: port ${options.port} on ${options.host} is already in use (choose another with --port)`, {
      command,
      cause: error,
    });
  }
  if (hasCode(error, 'EADDRNOTAVAIL') || hasCode(error, 'ENOTFOUND')) {
    return new UsageError(`${command}: cannot listen on host ${options.host} (choose another with --host)`, { command, cause: error });
  }
  return new CliError(`${command}: the ${runtime} runtime failed to start: ${(error as Error).message ?? String(error)}`, { cause: error });
}

// Node puts the errno code on the error, or on its cause when a library wraps it.
function hasCode(error: unknown, code: string): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === code) return true;
  }
  return false;
}
