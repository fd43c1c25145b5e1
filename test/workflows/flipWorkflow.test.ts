import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSsmServer, type SsmServer } from '../../infra/hosts/ssmServer.ts';
import { createWorkspace, runStepScript, type Workspace } from './runStep.ts';
import { repoRoot, runScript } from './workflowFiles.ts';

// flip.yml's SSM step run for real: the step's bash, the real CLI and the real AWS SDK, against
// an SSM-protocol server on 127.0.0.1 instead of AWS.

const PARAMETER = '/hadoku-route/route-config';
/** Providers 1-3 are one healthy router on loopback (flip probes each before writing); 4 refuses connections. */
const config = (base: string, refused: string) => ({
  global_priority: '21',
  routes: { task: { priority: '213' } },
  providers: { '1': `${base}/one`, '2': `${base}/two`, '3': `${base}/three`, '4': refused },
});
const flipPresent = existsSync(join(repoRoot, 'infra', 'cli', 'commands', 'flip.ts'));

describe.skipIf(!flipPresent)('Step: flip.yml flip in SSM, with the real CLI', () => {
  const script = runScript('flip.yml', 'ssm', 'flip');
  let ssm: SsmServer;
  let workspace: Workspace;
  let healthy: Server;
  let seeded: ReturnType<typeof config>;

  beforeAll(async () => {
    ssm = await startSsmServer();
    // Answers every health probe 200, as a live router would.
    healthy = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
    await new Promise<void>((r) => healthy.listen(0, '127.0.0.1', r));
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const refused = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    seeded = config(`http://127.0.0.1:${(healthy.address() as AddressInfo).port}`, refused);
  });
  afterAll(async () => {
    await ssm.close();
    await new Promise((r) => healthy.close(r));
  });
  beforeEach(() => {
    workspace = createWorkspace();
    ssm.put(PARAMETER, JSON.stringify(seeded, null, 2));
  });
  afterEach(() => {
    workspace.remove();
  });

  /** Runs the step from the repository root, as the job does after checkout. */
  const runFlip = (inputs: { APP: string; PRIORITY: string; DRY_RUN: string; FORCE?: string }) =>
    runStepScript(
      script,
      workspace,
      {
        FORCE: 'false',
        ...inputs,
        ROUTE_CONFIG_PARAMETER: PARAMETER,
        AWS_ENDPOINT_URL_SSM: ssm.url,
        AWS_REGION: 'us-east-1',
        // What configure-aws-credentials exports after the OIDC exchange; dummy values here.
        AWS_ACCESS_KEY_ID: 'ASIATESTTESTTEST',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_SESSION_TOKEN: 'test',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      repoRoot,
    );
  const stored = (): { routes: Record<string, { priority: string }>; global_priority: string } =>
    JSON.parse(ssm.get(PARAMETER)?.value ?? 'null');

  it('writes the new priority and puts before and after in the summary', async () => {
    // Prepare
    const versionBefore = ssm.get(PARAMETER)?.version ?? 0;

    // Act
    const result = await runFlip({ APP: 'task', PRIORITY: '312', DRY_RUN: 'false' });

    // Assess
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(stored().routes.task.priority).toBe('312');
    expect(ssm.get(PARAMETER)?.version).toBe(versionBefore + 1);
    expect(result.summary).toContain('### flip task 312 in SSM');
    expect(result.summary).toContain(`ssm ${PARAMETER}`);
  });

  it('flips global_priority for app "global"', async () => {
    // Act
    const result = await runFlip({ APP: 'global', PRIORITY: '12', DRY_RUN: 'false' });

    // Assess
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(stored().global_priority).toBe('12');
  });

  it('writes nothing on a dry run', async () => {
    // Prepare
    const versionBefore = ssm.get(PARAMETER)?.version;

    // Act
    const result = await runFlip({ APP: 'task', PRIORITY: '312', DRY_RUN: 'true' });

    // Assess
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(ssm.get(PARAMETER)?.version).toBe(versionBefore);
    expect(result.summary).toContain('dry run');
  });

  it.each([
    ['false', 1, 'refused: nothing written'],
    ['true', 0, 'written although the probe failed'],
  ])('force=%s: a new first provider CI cannot reach exits %i (%s)', async (force, status) => {
    // Prepare
    const versionBefore = ssm.get(PARAMETER)?.version ?? 0;

    // Act
    const result = await runFlip({ APP: 'task', PRIORITY: '41', DRY_RUN: 'false', FORCE: force });

    // Assess: the probe ran and its failure is in the summary either way.
    expect(result.status, result.stdout + result.stderr).toBe(status);
    expect(ssm.get(PARAMETER)?.version).toBe(status === 0 ? versionBefore + 1 : versionBefore);
    if (status === 0) expect(stored().routes.task.priority).toBe('41');
    expect(result.summary).toContain('### flip task 41 in SSM');
    expect(result.summary).toMatch(/4.*(down|refused|ECONNREFUSED)/i);
  });

  it('fails the job on an unknown provider id, writes nothing, and still explains why in the summary', async () => {
    // Prepare
    const versionBefore = ssm.get(PARAMETER)?.version;

    // Act
    const result = await runFlip({ APP: 'task', PRIORITY: '319', DRY_RUN: 'false' });

    // Assess
    expect(result.status).not.toBe(0);
    expect(ssm.get(PARAMETER)?.version).toBe(versionBefore);
    expect(result.summary).toContain('"9"');
  });
});
