import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildStack } from './stackFixture.ts';

/** Every acknowledgement recorded in the tree: `Validations.of(x).acknowledge()` stores `{ [id]: reason }`. */
function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => ({ path: construct.node.path, id, reason })),
  );
}

const IAM4_BASIC_EXECUTION =
  'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing in the stack as infra/bin/app.ts wires it', () => {
    // Prepare
    const { app } = buildStack();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    // Act + Assess: cdk-nag 3 makes synth throw on any unacknowledged finding.
    expect(() => app.synth()).not.toThrow();
  });

  it('carries a reason on every acknowledgement', () => {
    // Prepare
    const { app } = buildStack();

    // Act
    const acks = acknowledgements(app);

    // Assess: none is needed today (own role instead of AWSLambdaBasicExecutionRole, Node.js 24);
    // any added later must say why.
    for (const ack of acks) expect(ack.reason.trim().length, `${ack.path} ${ack.id}`).toBeGreaterThan(20);
  });

  describe('controls (the check is live and acknowledgements are seen)', () => {
    function withManagedPolicyRole(): { app: ReturnType<typeof buildStack>['app']; role: iam.Role } {
      const { app, stack } = buildStack();
      const role = new iam.Role(stack, 'Control', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
      });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      return { app, role };
    }

    it('a role with AWSLambdaBasicExecutionRole in the same stack fails synth', () => {
      const { app } = withManagedPolicyRole();
      expect(() => app.synth()).toThrow();
    });

    it('the same role passes once acknowledged, and the acknowledgement carries its reason', () => {
      // Prepare
      const { app, role } = withManagedPolicyRole();
      Validations.of(role).acknowledge({ id: IAM4_BASIC_EXECUTION, reason: 'control case of this test: shows acknowledgements are read' });

      // Act + Assess
      expect(() => app.synth()).not.toThrow();
      expect(acknowledgements(app)).toEqual([
        { path: 'HadokuRoute-dev/Control', id: IAM4_BASIC_EXECUTION, reason: 'control case of this test: shows acknowledgements are read' },
      ]);
    });
  });
});
