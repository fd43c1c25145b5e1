import type { HealthAdvice } from './healthDocument.ts';

/** One provider as the shared health document sees it. */
export interface SharedProviderView {
  up: boolean;
  /** Why it is down, when it is (`timeout`, `connection error`, `status 503`, `draining`). */
  reason?: string;
}

/**
 * The shared health view that `/_router/health` and the status page add beside this instance's
 * own breakers: who probed when and what it found, or why the document is ignored.
 */
export type SharedHealthView = { checked_at: string; by: string; providers: Record<string, SharedProviderView> } | { ignored: string };

/**
 * The advice as plain data for the health route and the status page (status and timings left
 * out: they are the prober's, not this router's).
 *
 * @example
 * sharedHealthView(manager.healthAdvice());
 * // { checked_at: '2026-12-01T00:00:00.000Z', by: 'worker-cron', providers: { '1': { up: false, reason: 'timeout' } } }
 * // or { ignored: 'health document stale: checked 200 s ago (limit 180 s)' }
 */
export function sharedHealthView(advice: HealthAdvice): SharedHealthView {
  if (!advice.ok) return { ignored: advice.problem };
  const providers = Object.entries(advice.doc.providers).map(([id, p]): [string, SharedProviderView] => [
    id,
    p.up || p.reason === undefined ? { up: p.up } : { up: false, reason: p.reason },
  ]);
  return { checked_at: advice.doc.checked_at, by: advice.doc.by, providers: Object.fromEntries(providers) };
}
