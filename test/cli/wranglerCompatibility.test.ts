import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCompatibility } from '../../infra/hosts/wranglerCompatibility.ts';

const toml = readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8');

describe('Function: readCompatibility (what every local workerd takes from wrangler.toml)', () => {
  it("gives the repository's compatibility date, flags and SETTINGS id, as the deployed Worker has them", async () => {
    // Act
    const compatibility = await readCompatibility();

    // Assess: read from the file itself, so an edit of wrangler.toml is followed, not a copy of it.
    expect(compatibility.date).toBe(/^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1]);
    expect(compatibility.flags).toEqual(['enable_request_signal']);
    expect(compatibility.kvId).toMatch(/^[0-9a-f]{32}$/);
    expect(toml).toContain(compatibility.kvId);
  });
});
