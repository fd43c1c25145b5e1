/**
 * Writes log lines in batches: one `write` per event-loop turn instead of one per request. Writes
 * to a pipe are synchronous on Linux, so per-line writes cost a syscall on the hot path; batching
 * keeps "one JSON line per request" without paying that per request. Pending lines are flushed on
 * exit.
 *
 * @example
 * const writeLine = createLineWriter(process.stdout);
 * writeLine(JSON.stringify(entry));
 */
export function createLineWriter(stream: NodeJS.WritableStream = process.stdout): (line: string) => void {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const chunk = pending.join('');
    pending = [];
    stream.write(chunk);
  };
  process.once('exit', flush);
  return (line) => {
    pending.push(`${line}\n`);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}
