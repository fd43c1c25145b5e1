import type { BundleReport } from './bundleReport.ts';

// Values globalSetup (Node) provides to the tests and to vitest.config.ts (inject).
declare module 'vitest' {
  interface ProvidedContext {
    upstreamPort: number;
    deadPort: number;
    bundle: BundleReport;
  }
}
