import type { Step } from './attemptPlan.ts';

/** A failed attempt's answer kept in case every other attempt fails too (SPEC 3.7). */
export interface KeptAnswer {
  response: Response;
  step: Step;
  /** Aborts the attempt's connection. */
  abort(): void;
}

/**
 * Lets go of a kept answer that will not be sent: its body is cancelled and its connection
 * aborted, so neither stays open until the provider finishes.
 *
 * @example
 * dropKept(last); // a later attempt answered
 */
export function dropKept(kept: KeptAnswer | undefined): void {
  if (!kept) return;
  kept.response.body?.cancel().catch(() => {});
  kept.abort();
}
