import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { RouterStack } from '../../infra/lib/routerStack.ts';
import { healthParameterName, secretParameterName, ssmParameterName, stackId } from '../../infra/lib/stageNames.ts';
import { FIXTURE_CONFIG, LOCAL_BASE, cdkJsonContext, freshOutdir } from './stackFixture.ts';

/** Both stages in one app, as one account would hold them, bundling skipped. */
function twoStages(): { app: App; dev: RouterStack; prod: RouterStack } {
  const app = new App({
    analyticsReporting: false,
    outdir: freshOutdir(),
    context: { ...cdkJsonContext(), config: FIXTURE_CONFIG, LOCAL_BASE, 'aws:cdk:bundling-stacks': [] },
  });
  const dev = new RouterStack(app, stackId('dev'), { stage: 'dev', variableSource: {} });
  const prod = new RouterStack(app, stackId('prod'), { stage: 'prod', variableSource: {} });
  return { app, dev, prod };
}

type Resource = { Type: string; Properties?: Record<string, unknown> };

/** Every name a resource claims in the account or region (two stages must never share one). */
function physicalNames(template: Template): string[] {
  const keys = ['Name', 'LogGroupName', 'AlarmName', 'TopicName', 'FunctionName', 'RoleName'];
  return Object.values(template.toJSON().Resources as Record<string, Resource>).flatMap((resource) =>
    keys.flatMap((key) => (typeof resource.Properties?.[key] === 'string' ? [`${resource.Type}:${resource.Properties[key]}`] : [])),
  );
}

/** `Tags` as CloudFormation spells it per type: a list of {Key, Value}, or a map (SSM). */
function tagsOf(resource: Resource): Record<string, unknown> | undefined {
  const tags = resource.Properties?.Tags;
  if (Array.isArray(tags)) return Object.fromEntries(tags.map((tag: { Key: string; Value: unknown }) => [tag.Key, tag.Value]));
  return tags as Record<string, unknown> | undefined;
}

// Resource types of this stack that CloudFormation lets us tag.
const TAGGABLE = [
  'AWS::Lambda::Function',
  'AWS::IAM::Role',
  'AWS::SSM::Parameter',
  'AWS::Logs::LogGroup',
  'AWS::CloudWatch::Alarm',
  'AWS::SNS::Topic',
  'AWS::KMS::Key',
  'AWS::Events::Rule',
];

describe('Stages side by side (dev and prod in one account)', () => {
  const { app, dev, prod } = twoStages();
  const templates = { dev: Template.fromStack(dev), prod: Template.fromStack(prod) };

  it('pass cdk-nag AwsSolutions together, with no acknowledgement anywhere', () => {
    // Prepare
    const { app: checked } = twoStages();
    Validations.of(checked).addPlugins(new AwsSolutionsChecks(checked));

    // Act + Assess
    expect(() => checked.synth()).not.toThrow();
    const acks = checked.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY));
    expect(acks).toEqual([]);
  });

  it('carry the stage in the stack name, the SSM parameter, the log group, the alarms and the topic', () => {
    // Assess
    expect([dev.stackName, prod.stackName]).toEqual(['HadokuRoute-dev', 'HadokuRoute-prod']);
    templates.prod.hasResourceProperties('AWS::SSM::Parameter', { Name: '/hadoku-route/prod/route-config' });
    templates.prod.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/hadoku-route/prod/router' });
    templates.prod.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'hadoku-route-prod-router-errors' });
    templates.prod.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'hadoku-route-prod-alarms' });
    expect(ssmParameterName('prod')).toBe('/hadoku-route/prod/route-config');
  });

  it('each probe its own stage into its own health parameter, every minute', () => {
    // Assess: two rules, each writing the parameter of its stage, never the other's.
    for (const stage of ['dev', 'prod'] as const) {
      templates[stage].hasResourceProperties('AWS::SSM::Parameter', { Name: healthParameterName(stage) });
      templates[stage].hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
      expect(JSON.stringify(templates[stage].toJSON())).not.toContain(healthParameterName(stage === 'dev' ? 'prod' : 'dev'));
    }
    expect(healthParameterName('prod')).toBe('/hadoku-route/prod/route-health');
  });

  it('claim no physical name twice', () => {
    // Act
    const names = [...physicalNames(templates.dev), ...physicalNames(templates.prod)];

    // Assess
    expect(names.length).toBeGreaterThanOrEqual(2 * 7);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it.each(['dev', 'prod'] as const)('tag every taggable resource of %s with app and stage', (stage) => {
    // Act
    const resources = Object.values(templates[stage].toJSON().Resources as Record<string, Resource>).filter((r) =>
      TAGGABLE.includes(r.Type),
    );

    // Assess
    expect(new Set(resources.map((r) => r.Type))).toEqual(new Set(TAGGABLE));
    for (const resource of resources) expect(tagsOf(resource), resource.Type).toMatchObject({ app: 'hadoku-route', stage });
  });

  it('synthesise both into one cloud assembly', () => {
    // Act
    const assembly = app.synth();

    // Assess
    expect(assembly.stacks.map((stack) => stack.stackName).sort()).toEqual(['HadokuRoute-dev', 'HadokuRoute-prod']);
  });

  it('name secrets per stage too', () => {
    expect(secretParameterName('prod', 'TASK_ADMIN_KEY')).toBe('/hadoku-route/prod/secrets/TASK_ADMIN_KEY');
  });
});
