import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig, routeConfigJsonSchema } from '../../shared/index.ts';

describe('JSON Schema of route-config.json', () => {
  it('the committed route-config.schema.json is the one generated from the validator (run `npx hadoku-route schema --write`)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../route-config.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(routeConfigJsonSchema);
  });

  it('describes every top-level key the validator knows, with its default', () => {
    const props = (routeConfigJsonSchema as { properties: Record<string, { default?: unknown }> }).properties;
    expect(Object.keys(props).sort()).toEqual(
      [
        '$schema',
        'backend_source',
        'breaker',
        'deadline_ms',
        'failback',
        'fallback_on',
        'global_priority',
        'hedge_after_ms',
        'hedge_budget',
        'idempotent_only',
        'max_body_bytes',
        'max_buffered_body_bytes',
        'max_hops',
        'providers',
        'routes',
        'status_auth',
        'timeout_ms',
      ].sort(),
    );
    expect(props.timeout_ms.default).toBe(2500);
    expect(props.fallback_on.default).toEqual([404, '5xx']);
    expect((routeConfigJsonSchema as { additionalProperties: boolean }).additionalProperties).toBe(false);
  });

  it('the repo route-config.json is valid with the .env.example defaults and points editors at the schema', () => {
    const text = readFileSync(new URL('../../route-config.json', import.meta.url), 'utf8');
    expect(JSON.parse(text).$schema).toBe('./route-config.schema.json');
    const env = Object.fromEntries(
      readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]),
    );
    expect(parseConfig(text, env).routes.get('task')?.priority).toEqual(['2', '1', '3']);
  });
});
