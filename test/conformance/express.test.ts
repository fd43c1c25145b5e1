import { runConformance } from './runConformance.ts';

// The local Express router, started exactly as a user would: `hadoku-route serve --runtime express`.
runConformance('express');
