import type { RouteConfigSnapshot } from './parseConfig.ts';

/**
 * What is wrong with `ROUTE_SELF` for this config, or `null`: it must name one of the config's
 * providers (a typo would silently turn self-serving off and make the router call itself over
 * HTTP, which only the hop guard would stop).
 *
 * @example
 * selfProblem('9', config) // 'ROUTE_SELF: unknown provider id "9" (known: 1, 2, 3)'
 */
export function selfProblem(self: string | undefined, config: RouteConfigSnapshot): string | null {
  if (self === undefined || self === '' || config.providers.has(self)) return null;
  return `ROUTE_SELF: unknown provider id "${self}" (known: ${[...config.providers.keys()].join(', ') || 'none'})`;
}
