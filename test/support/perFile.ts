// Setup file of the node project (vitest.config.ts `setupFiles`): evaluated before each test
// file, so what it registers runs per file even though files share a worker's module cache.
import { afterAll, afterEach } from 'vitest';
import { runCleanups } from './cleanups.ts';
import { removeScratchDir } from './scratchDir.ts';

afterEach(runCleanups);
afterAll(removeScratchDir);
