import { AppRegistryError, checkAppRegistry } from '../../shared/index.ts';
import { InvalidInputError } from './errors.ts';

/**
 * Checks, at synth, the app registry bundled into the function and the hosted subset
 * (`-c apps=`, the function's `ROUTE_APPS`), so a bad entry or a misspelt app fails `cdk synth`
 * with its name instead of every cold start.
 *
 * @param apps - `ROUTE_APPS`: a comma list of registry names, `none`, or undefined for every app.
 * @param source - how messages name the registry. @default 'apps/index.ts'
 * @throws {InvalidInputError} naming the registry for a bad entry, `context "apps"` for an unknown app.
 * @example
 * checkHostedApps({ task, watchparty }, 'task'); // ok
 */
export function checkHostedApps(registry: Readonly<Record<string, unknown>>, apps: string | undefined, source = 'apps/index.ts'): void {
  try {
    checkAppRegistry(registry);
  } catch (error) {
    if (!(error instanceof AppRegistryError)) throw error;
    throw new InvalidInputError(source, error.message, { cause: error });
  }
  if (apps === undefined || ['none', '-'].includes(apps.trim().toLowerCase())) return;
  const known = Object.keys(registry);
  const unknown = apps
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
    .find((name) => !known.includes(name));
  if (unknown !== undefined) {
    throw new InvalidInputError(
      'context "apps"',
      `unknown app "${unknown}" (the registry has: ${known.join(', ') || 'none'}; "none" hosts no app)`,
    );
  }
}
