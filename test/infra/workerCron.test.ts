import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEALTH_DOC } from '../../shared/index.ts';
import { REPO_ROOT } from './stackFixture.ts';

interface StageTriggers {
  name: string;
  triggers: { crons?: string[] };
}

/** wrangler's own reading of wrangler.toml for one environment (what `--env` deploys). */
async function readStage(stage: string | undefined): Promise<StageTriggers> {
  const { unstable_readConfig } = (await import('wrangler')) as unknown as {
    unstable_readConfig(args: { config: string; env?: string }, options?: object): StageTriggers;
  };
  return unstable_readConfig({ config: join(REPO_ROOT, 'wrangler.toml'), env: stage }, { hideWarnings: true });
}

describe('wrangler.toml: the health Cron Trigger', () => {
  it.each(['dev', 'prod'])('%s runs the scheduled health probe every minute, the interval of the document', async (stage) => {
    // Act
    const config = await readStage(stage);

    // Assess: "* * * * *" is once a minute, the interval_s readers judge staleness by.
    expect(config.name).toBe(`hadoku-route-${stage}`);
    expect(config.triggers.crons).toEqual(['* * * * *']);
    expect(HEALTH_DOC.intervalS).toBe(60);
  });
});
