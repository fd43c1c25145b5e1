import { runConformance } from './runConformance.ts';

// The local Express router, started exactly as a user would: `hadoku-route serve --runtime express`.
// The table is cut in two parts, one file each (express.1, express.2), that vitest runs side by side.
runConformance('express', { part: { index: 1, of: 2 } });
