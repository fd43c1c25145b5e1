/** One attempt in flight: its eventual result and a way to abort it (close its connection). */
export interface Racer<R> {
  result: Promise<R>;
  abort(): void;
}

/** What {@link raceAttempts} needs besides the attempt already running. */
export interface RaceOptions<R> {
  /** The attempt already started. */
  primary: Racer<R>;
  /** How long the primary may go without an answer before the hedge starts, ms. */
  delayMs: number;
  /**
   * Starts the hedge (next provider) when the delay passes; `null` when none may start (budget
   * spent, no provider left). `forced`: the primary's provider was just judged failing, so the
   * budget does not apply.
   */
  startHedge(forced: boolean): Racer<R> | null;
  /**
   * Subscribes to "the primary's provider is failing" (its breaker opened); returns the
   * unsubscribe. When it fires while a primary waits without a hedge, the hedge starts, forced.
   */
  whenFailing?(fire: () => void): () => void;
  /** `true` for a result that ends the race (an answer to use, or a reason to stop); `false` for a failure. */
  settles(result: R): boolean;
  /** Drops the loser's result: cancels any answer it had anyway (both arrived together) and closes it. */
  discard(result: R): void;
}

/**
 * Hedged fallback: waits for the primary attempt; when it has no result after `delayMs`, starts
 * the hedge (or, with the budget spent, waits for the primary or for its provider to be judged
 * failing, which starts the hedge anyway) and takes the first result that {@link RaceOptions.settles}. The loser is aborted and
 * awaited, so its own record is complete before the answer is built; an answer it had anyway is
 * discarded. Returns the results the caller must act on, in the order they came: the winner
 * alone, or both failures (the caller falls back further), or the primary alone when no hedge
 * started.
 *
 * @example
 * const results = await raceAttempts({ primary, delayMs: 150, startHedge, settles: (r) => r.ok, discard: (r) => r.close() });
 */
export async function raceAttempts<R>(opts: RaceOptions<R>): Promise<R[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const elapsed = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), opts.delayMs)));
  const early = await Promise.race([opts.primary.result.then((r) => ({ r })), elapsed]);
  clearTimeout(timer);
  if (early) return [early.r];
  const hedge = opts.startHedge(false) ?? (await rescue(opts));
  if (!hedge) return [await opts.primary.result];
  const racers = [opts.primary, hedge];
  const first = await Promise.race(racers.map((racer, i) => racer.result.then((r) => ({ r, i }))));
  const other = racers[1 - first.i]!;
  if (!opts.settles(first.r)) return [first.r, await other.result];
  other.abort();
  opts.discard(await other.result);
  return [first.r];
}

/** With no hedge allowed: the hedge started once the primary's provider is judged failing, or `null` when the primary ends first. */
async function rescue<R>(opts: RaceOptions<R>): Promise<Racer<R> | null> {
  if (!opts.whenFailing) return null;
  let unsubscribe = () => {};
  const failing = new Promise<'failing'>((resolve) => (unsubscribe = opts.whenFailing!(() => resolve('failing'))));
  const first = await Promise.race([opts.primary.result.then(() => 'done' as const), failing]);
  unsubscribe();
  return first === 'failing' ? opts.startHedge(true) : null;
}
