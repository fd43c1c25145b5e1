/**
 * The environment that keeps wrangler offline (TOOLCHAIN.md): no telemetry, update check, error
 * report or `request.cf` fetch. The Worker bundle build (wranglerBundle.ts)
 * starts wrangler with it, so a build never phones home.
 */
export const WRANGLER_OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  DO_NOT_TRACK: '1',
} as const;
