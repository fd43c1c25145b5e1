/**
 * The names a deployment stage gives its AWS resources, in one place so that the CDK stack, the
 * CLI (`--stage` on flip/show/push/history/rollback) and the workflows agree. No CDK import: the
 * CLI loads this file on every run.
 */
import { HEALTH_DOC } from '../../shared/defaults.ts';

/** A stage name: lower-case letters, digits and `-`, 1 to 20 characters (`dev`, `prod`, `eu-1`). */
export const STAGE_PATTERN = /^[a-z0-9-]{1,20}$/;

/**
 * The stage when none is given (`cdk deploy` without `-c stage=`).
 *
 * @default 'dev'
 */
export const DEFAULT_STAGE = 'dev';

/** Whether `value` is a usable stage name ({@link STAGE_PATTERN}). */
export function isStageName(value: string): boolean {
  return STAGE_PATTERN.test(value);
}

/**
 * The CloudFormation stack of a stage: one per stage, so two stages live side by side in one
 * account. `cdk deploy HadokuRoute-prod -c stage=prod`.
 *
 * @example
 * stackId('prod'); // 'HadokuRoute-prod'
 */
export function stackId(stage: string): string {
  return `HadokuRoute-${stage}`;
}

/**
 * The SSM String parameter holding a stage's routing config (what `flip --target ssm` writes).
 *
 * @example
 * ssmParameterName('prod'); // '/hadoku-route/prod/route-config'
 */
export function ssmParameterName(stage: string): string {
  return `/hadoku-route/${stage}/route-config`;
}

/**
 * The SSM String parameter holding a stage's shared health document: written every minute by the
 * EventBridge-scheduled probe round, read by every environment beside the config (`ROUTE_HEALTH_PARAM`).
 *
 * @example
 * healthParameterName('prod'); // '/hadoku-route/prod/route-health'
 */
export function healthParameterName(stage: string): string {
  return `/hadoku-route/${stage}/${HEALTH_DOC.ssmName}`;
}

/**
 * The SSM SecureString parameter holding the value of a secret `${VAR}` of a stage. Created by the
 * operator (`aws ssm put-parameter --type SecureString`), never by CloudFormation, so the value
 * never passes through a template.
 *
 * @example
 * secretParameterName('prod', 'TASK_ADMIN_KEY'); // '/hadoku-route/prod/secrets/TASK_ADMIN_KEY'
 */
export function secretParameterName(stage: string, variable: string): string {
  return `/hadoku-route/${stage}/secrets/${variable}`;
}

/**
 * A physical name for a stage's resource (log group, alarms, topic), prefixed so that a console
 * list shows whose and which stage it is.
 *
 * @example
 * stageResourceName('prod', 'errors'); // 'hadoku-route-prod-errors'
 */
export function stageResourceName(stage: string, what: string): string {
  return `hadoku-route-${stage}-${what}`;
}
