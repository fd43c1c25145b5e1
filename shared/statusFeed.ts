import { ProviderTallies } from './providerTallies.ts';
import { RecentRequests } from './recentRequests.ts';
import type { RequestLogEntry } from './types.ts';

/**
 * What the status page remembers of routed requests, per router instance: the last few requests
 * ({@link RecentRequests}) and per-provider counters ({@link ProviderTallies}). The router feeds
 * it the same entry it logs, so the page and the log line never disagree.
 *
 * @example
 * const feed = new StatusFeed();
 * feed.record(entry); // in the router's emit()
 * feed.recent.list()[0].path; // '/task/api/hello'
 */
export class StatusFeed {
  readonly recent: RecentRequests;
  readonly tallies = new ProviderTallies();

  /** @param capacity - requests kept for the page @default 40 */
  constructor(capacity?: number) {
    this.recent = new RecentRequests(capacity);
  }

  /** Never throws: a status page must not break routing. */
  record(entry: RequestLogEntry): void {
    try {
      this.recent.add(entry);
      this.tallies.add(entry);
    } catch {
      // Nothing to do: the page shows one request fewer.
    }
  }
}
