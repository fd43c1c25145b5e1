/** What `wrangler deploy --dry-run` produced. */
export interface BundleReport {
  ok: boolean;
  /** Bytes of the emitted JavaScript. */
  rawBytes: number;
  /** Bytes of that JavaScript gzipped (level 9). */
  gzipBytes: number;
  /** wrangler's own "Total Upload" line. */
  wranglerLine: string;
  error: string | null;
}
