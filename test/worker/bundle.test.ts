import { describe, expect, inject, it } from 'vitest';

// globalSetup ran the real `wrangler deploy --dry-run --outdir <tmp>` (offline) before these
// tests; workerd cannot spawn processes, so this only reads its report.
const bundle = inject('bundle');

describe('Worker bundle (wrangler deploy --dry-run)', () => {
  it('builds offline', () => {
    expect(bundle.error).toBeNull();
    expect(bundle.ok).toBe(true);
  });

  it('stays small: goal <= 15 KB gzipped (asserted only against a generous 64 KB bound)', () => {
    console.log(`worker bundle: ${bundle.rawBytes} B raw, ${bundle.gzipBytes} B gzipped (level 9); wrangler: ${bundle.wranglerLine}`);
    expect(bundle.gzipBytes).toBeGreaterThan(0);
    expect(bundle.gzipBytes).toBeLessThan(64 * 1024);
  });
});
