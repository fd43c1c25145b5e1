import { runConformance } from './runConformance.ts';

// The bundled Lambda handler (the esbuild artifact `cdk deploy` ships) behind the local Function URL
// shim, started as a user would: `hadoku-route serve --runtime lambda`; the config file stands in for SSM.
runConformance('lambda');
