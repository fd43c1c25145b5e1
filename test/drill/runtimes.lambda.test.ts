import { describeRuntimeDrill } from './runtimeDrill.ts';

// The full matrix the issue asks for (express runs all three modes in drill.test.ts).
describeRuntimeDrill('lambda');
