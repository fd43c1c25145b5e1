import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findStageKvId } from '../../infra/hosts/wranglerTomlKv.ts';
import { startCloudflareApiMock, type CloudflareApiMock } from '../cli/cloudflareApiMock.ts';
import { createWorkspace, runStepScript, type Workspace } from './runStep.ts';
import { repoRoot, runScript } from './workflowFiles.ts';

// deploy.yml's "route-config.json into KV" step run for real: the step's bash, the real CLI push and
// the real wrangler (`kv key get/put --remote`), against a stand-in of the Cloudflare API on
// 127.0.0.1. One config source: the KV store gets the very file the config job validated, and only
// when that file changed since the last deploy (the rule cdk deploy follows for SSM).

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const STAGE = 'dev';
const MARKER = 'route-config-deployed-sha256';
const FILE = readFileSync(join(repoRoot, 'route-config.json'), 'utf8');
const SHA256 = createHash('sha256').update(FILE).digest('hex');
/** The dev namespace id of the repository's wrangler.toml: the one wrangler --env dev writes to. */
const NAMESPACE = findStageKvId(readFileSync(join(repoRoot, 'wrangler.toml'), 'utf8'), STAGE, 'SETTINGS').id ?? '';
// The step starts wrangler twice (the deployed hash, read and written; the push itself calls the
// API); each start takes 1-3 s idle and has taken 30 s on a loaded 2-core machine.
const STEP_TIMEOUT_MS = 400_000;
const FLIPPED = FILE.replace('"global_priority": "21"', '"global_priority": "12"');

describe('Step: deploy.yml route-config.json into KV, with the real CLI and wrangler', () => {
  const script = runScript('deploy.yml', 'worker', 'kv-config');
  let api: CloudflareApiMock;
  let workspace: Workspace;
  let values: Map<string, string>;

  beforeAll(() => {
    workspace = createWorkspace();
  });
  afterAll(() => {
    workspace.remove();
  });
  // A stand-in per test: a wrangler left running by a timed-out step cannot write into the next test.
  beforeEach(async () => {
    api = await startCloudflareApiMock({ accountId: ACCOUNT });
    values = new Map();
    api.values.set(NAMESPACE, values);
  });
  afterEach(() => api.close());

  /** Runs the step from the repository root, as the job does after checkout and wrangler deploy. */
  const runKvStep = (validated = SHA256) =>
    runStepScript(
      script,
      workspace,
      {
        STAGE,
        VALIDATED_SHA256: validated,
        CLOUDFLARE_API_BASE_URL: api.url,
        CLOUDFLARE_API_TOKEN: api.token,
        CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
        WRANGLER_SEND_METRICS: 'false',
        WRANGLER_HIDE_BANNER: 'true',
        WRANGLER_SEND_ERROR_REPORTS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        DO_NOT_TRACK: '1',
      },
      repoRoot,
      STEP_TIMEOUT_MS,
    );

  it('has a namespace id to write to', () => {
    expect(NAMESPACE).toMatch(/^[0-9a-f]{32}$/);
  });

  it('first deploy (no hash recorded): puts the validated file into the namespace, byte for byte, and records its hash', {
    timeout: STEP_TIMEOUT_MS + 10_000,
  }, async () => {
    // Act
    const result = await runKvStep();

    // Assess
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(values.get('route-config')).toBe(FILE);
    expect(values.get(MARKER)).toBe(SHA256);
    expect(result.summary).toContain(`- Config (KV): route-config.json written (sha256 \`${SHA256}\`)`);
  });

  it('the file unchanged since the last deploy: a flip made since stays, nothing is written', {
    timeout: STEP_TIMEOUT_MS + 10_000,
  }, async () => {
    // Prepare: deployed once, then flipped.
    values.set('route-config', FLIPPED);
    values.set(MARKER, SHA256);
    const callsBefore = api.calls.length;

    // Act
    const result = await runKvStep();

    // Assess
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(values.get('route-config')).toBe(FLIPPED);
    expect(api.calls.slice(callsBefore).filter((call) => call.method === 'PUT')).toEqual([]);
    expect(result.summary).toContain('unchanged since the last deploy');
  });

  it('refuses a file that is not the one the config job validated, before any call', async () => {
    // Prepare
    const callsBefore = api.calls.length;

    // Act
    const result = await runKvStep('b'.repeat(64));

    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('is not the file the config job validated');
    expect(api.calls.length).toBe(callsBefore);
    expect(values.size).toBe(0);
  });
});
