import { PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { ScheduledEvent } from 'aws-lambda';
import {
  downIds,
  probeHealth,
  type ProbeHealthOptions,
  type ConfigManager,
  type HealthDocument,
  type RouteConfigSnapshot,
  type UpstreamFetch,
} from '../../shared/index.ts';
import { describeSdkError } from './errors.ts';

/** What the handler answers a scheduled event with (EventBridge discards it; `aws lambda invoke` shows it). */
export interface ScheduledProbeSummary {
  /** Whether a probe round ran (no config, or no parameter to write to: `false`). */
  probed: boolean;
  /** Whether the document reached SSM. */
  stored: boolean;
  /** The parameter written (`ROUTE_HEALTH_PARAM`), `null` when unset. */
  parameter: string | null;
  /** When the round finished (the document's `checked_at`). */
  checked_at?: string;
  /** Provider ids found up, and down. */
  up?: string[];
  down?: string[];
  /** Why the round was skipped or not stored. */
  reason?: string;
}

/** The logger calls the prober makes (a Powertools `Logger` fits). */
export interface ProbeLogger {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

/** What {@link scheduledProbe} needs: the environment's own config owner, SSM client and transport. */
export interface ScheduledProbeDeps {
  /** The config owner the function routes with (SSM, last good, baked): both see one config. */
  config: ConfigManager;
  /** The function's SSM client (timeouts, endpoint): the one the config is read with. */
  ssm: SSMClient;
  /** The upstream transport. */
  fetch: UpstreamFetch;
  /** `ROUTE_HEALTH_PARAM`: the String parameter the document is written to. */
  parameterName: string | undefined;
  logger: ProbeLogger;
  /** @default Date.now */
  now?: () => number;
  /** This deployment (`ROUTE_SELF`, drained or not): reported from the inside, not probed. */
  self?: ProbeHealthOptions['self'];
}

/**
 * Whether the event is what an EventBridge schedule rule delivers. Checked before the Function
 * URL path: a scheduled event has no `rawPath` and would otherwise be answered 400. Only a
 * principal allowed to invoke the function directly can send one; the Function URL cannot.
 */
export function isScheduledEvent(event: unknown): event is ScheduledEvent {
  if (typeof event !== 'object' || event === null) return false;
  const e = event as Record<string, unknown>;
  return e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event';
}

/**
 * One EventBridge round: probes every provider of the current config and writes the
 * {@link HealthDocument} to the SSM parameter every environment reads beside its config. Never
 * throws: no config, no parameter name, or a failed PutParameter skips the round with one log
 * line (the stored document then turns stale, and readers ignore it: fail open).
 *
 * @example
 * if (isScheduledEvent(event)) {
 *   return scheduledProbe({ config, ssm, fetch: transport, parameterName: env.ROUTE_HEALTH_PARAM, logger });
 * }
 */
export async function scheduledProbe(deps: ScheduledProbeDeps): Promise<ScheduledProbeSummary> {
  const parameter = deps.parameterName?.trim() || null;
  if (parameter === null) return skipped(deps, null, 'ROUTE_HEALTH_PARAM is not set');
  let config: RouteConfigSnapshot;
  try {
    config = await deps.config.current();
  } catch (error) {
    return skipped(deps, parameter, `no usable config: ${(error as Error).message}`);
  }
  const doc = await probeHealth(config, { fetch: deps.fetch, by: 'lambda-schedule', now: deps.now, self: deps.self });
  const down = downIds(doc);
  const summary = { parameter, checked_at: doc.checked_at, up: Object.keys(doc.providers).filter((id) => !down.includes(id)), down };
  try {
    // Standard tier: the document is small, and a put never moves the parameter to Advanced (cost).
    const put = { Name: parameter, Value: JSON.stringify(doc), Type: 'String' as const, Overwrite: true, Tier: 'Standard' as const };
    await deps.ssm.send(new PutParameterCommand(put));
  } catch (error) {
    const reason = `PutParameter ${parameter} failed: ${describeSdkError(error)}`;
    deps.logger.error('health_probe_not_stored', { reason, down: summary.down });
    return { probed: true, stored: false, ...summary, reason };
  }
  deps.logger.info('health_probe', { parameter, down: summary.down, providers: Object.keys(doc.providers).length });
  return { probed: true, stored: true, ...summary };
}

function skipped(deps: ScheduledProbeDeps, parameter: string | null, reason: string): ScheduledProbeSummary {
  deps.logger.warn('health_probe_skipped', { reason });
  return { probed: false, stored: false, parameter, reason };
}
