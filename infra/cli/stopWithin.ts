import type { CliIo } from '../kit/io.ts';

/** Something that can be stopped. */
export interface Closable {
  close(): Promise<void>;
}

/**
 * Closes everything in order, each given at most `ms`: a server stuck on a keep-alive socket must
 * not keep Ctrl-C from ending the process. Failures are reported, never thrown.
 */
export async function stopWithin(items: readonly Closable[], ms: number, io: Pick<CliIo, 'err'>): Promise<void> {
  for (const item of items) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ms);
    });
    try {
      const outcome = await Promise.race([item.close().then(() => 'closed' as const), timeout]);
      if (outcome === 'timeout') io.err(`close took longer than ${ms} ms; leaving it`);
    } catch (error) {
      io.err(`close failed: ${(error as Error).message ?? String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
