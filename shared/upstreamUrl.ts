import type { ProviderInfo } from './parseConfig.ts';

/**
 * Upstream URL = provider origin + its path prefix + the normalised request path + the original
 * query. Built by concatenation, never by resolving a reference against the base (the seed's
 * `new URL(path, base)` let `//evil.example/...` escape to another origin and dropped the prefix):
 * the path always starts with `/` and follows the authority, so it can never become one.
 * The result is checked once more against the provider's origin as a last line of defence.
 *
 * @returns the URL, or `null` if it would not stay on the provider's origin
 */
export function upstreamUrl(provider: ProviderInfo, pathname: string, search: string): string | null {
  const path = pathname.startsWith('/') ? pathname : `/${pathname}`;
  const url = provider.origin + provider.prefix + path + search;
  try {
    return new URL(url).origin === provider.origin ? url : null;
  } catch {
    return null;
  }
}
