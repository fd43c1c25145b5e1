import { runConformance } from './runConformance.ts';

// The second half of the table against `serve --runtime lambda` (see lambda.1.test.ts).
runConformance('lambda', { part: { index: 2, of: 2 } });
