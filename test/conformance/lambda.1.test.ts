import { runConformance } from './runConformance.ts';

// The bundled Lambda handler (the esbuild artifact `cdk deploy` ships) behind the local Function URL
// shim, started as a user would: `hadoku-route serve --runtime lambda`; the config file stands in for
// SSM. The table is cut in two parts, one file each (lambda.1, lambda.2), run side by side.
runConformance('lambda', { part: { index: 1, of: 2 } });
