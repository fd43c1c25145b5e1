// Setup file of the node project (vitest.config.ts `setupFiles`): evaluated before each test
// file, so what it registers runs per file even though files share a worker's module cache.
import { afterAll } from 'vitest';
import { removeScratchDir } from './scratchDir.ts';

afterAll(removeScratchDir);
