const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Remembers who listens to SIGINT/SIGTERM now and returns a function that removes every listener
 * added since. `dev` owns Ctrl-C (it closes every stack, then exits 0), but restarting a Worker
 * for a drain starts a new Miniflare, whose exit hook would take Ctrl-C back and end the process
 * before the stacks are closed.
 *
 * @example
 * const reclaim = keepSignalListeners();
 * await stack.setDrain(true);
 * reclaim();
 */
export function keepSignalListeners(): () => void {
  const ours = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  return () => {
    for (const signal of SIGNALS) {
      for (const listener of process.listeners(signal)) if (!ours.get(signal)!.has(listener)) process.off(signal, listener);
    }
  };
}
