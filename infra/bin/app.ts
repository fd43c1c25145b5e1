import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { InfraInputError } from '../lib/errors.ts';
import { RouterStack } from '../lib/routerStack.ts';

// Entry of `cdk synth`/`cdk deploy` (cdk.json "app"). Deploy-time choices come from context:
// see infra/lib/deployInputs.ts and the README's "Deploy the Lambda".
const app = new App();
try {
  new RouterStack(app, 'HadokuRoute');
} catch (error) {
  // An input mistake (config, context) is the operator's to fix: its message, not a stack trace.
  if (!(error instanceof InfraInputError)) throw error;
  console.error(`hadoku-route: ${error.message}`);
  process.exit(1);
}
// cdk-nag 3 is a validation plugin: synth fails on any AwsSolutions finding not acknowledged.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
