import { runConformance } from './runConformance.ts';

// The second half of the table against `serve --runtime worker` (see worker.1.test.ts).
runConformance('worker', { part: { index: 2, of: 2 } });
