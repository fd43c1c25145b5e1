import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readStage } from '../lib/deployInputs.ts';
import { InfraInputError } from '../lib/errors.ts';
import { RouterStack } from '../lib/routerStack.ts';
import { stackId } from '../lib/stageNames.ts';

// Entry of `cdk synth`/`cdk deploy` (cdk.json "app"): one stack, the stage's (`-c stage=prod`,
// default dev), named HadokuRoute-<stage>. Deploy-time choices come from context: see
// infra/lib/deployInputs.ts and the README's "Deploy the Lambda".
const app = new App();
try {
  const stage = readStage(app.node);
  new RouterStack(app, stackId(stage), { stage });
} catch (error) {
  // An input mistake (config, context) is the operator's to fix: its message, not a stack trace.
  if (!(error instanceof InfraInputError)) throw error;
  console.error(`hadoku-route: ${error.message}`);
  process.exit(1);
}
// cdk-nag 3 is a validation plugin: synth fails on any AwsSolutions finding not acknowledged.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
