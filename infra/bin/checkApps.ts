import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkHostedApps } from '../lib/checkHostedApps.ts';
import { InfraInputError } from '../lib/errors.ts';

// The Worker build's check (wrangler.toml `[build] command`): the app registry bundled into the
// Worker must hold only valid app names, each with a fetch function, or the build stops with a line
// naming the bad entry; the CDK stack runs the same check at synth. Wrangler only bundles, it never
// runs the module, so without this a bad entry would surface at the first cold start instead.
//
// Usage: node --experimental-strip-types infra/bin/checkApps.ts [registry module, default apps/index.ts]
const given = process.argv[2];
const file = resolve(given ?? new URL('../../apps/index.ts', import.meta.url).pathname);
try {
  const module = (await import(pathToFileURL(file).href)) as { apps?: Readonly<Record<string, unknown>> };
  checkHostedApps(module.apps ?? {}, undefined, given ?? 'apps/index.ts');
} catch (error) {
  if (!(error instanceof InfraInputError)) throw error;
  console.error(`hadoku-route: ${error.message}`);
  process.exit(1);
}
