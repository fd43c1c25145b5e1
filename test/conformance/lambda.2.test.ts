import { runConformance } from './runConformance.ts';

// The bundled Lambda handler (the esbuild artifact `cdk deploy` ships) behind the local Function URL
// shim, started as a user would: `hadoku-route serve --runtime lambda`; the config file stands in for
// SSM. The table is cut in three parts, one file each (lambda.1 to lambda.3), run side by side.
runConformance('lambda', { part: { index: 2, of: 3 } });
