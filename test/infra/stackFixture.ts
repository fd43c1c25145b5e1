import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Env } from '../../shared/index.ts';
import { RouterStack } from '../../infra/lib/routerStack.ts';
import { isStageName, stackId } from '../../infra/lib/stageNames.ts';
import { scratchDir } from '../support/scratchDir.ts';

/** Repository root (cdk.json, package-lock.json). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The test config: the SPEC's example, provider 1 given as `${LOCAL_BASE}`. */
export const FIXTURE_CONFIG = fileURLToPath(new URL('./fixtures/route-config.json', import.meta.url));

/** A base URL for `${LOCAL_BASE}`, as `-c LOCAL_BASE=...` would give it. */
export const LOCAL_BASE = 'https://home.example.com';

/** cdk.json's context: the feature flags and defaults `cdk synth` runs with. */
export function cdkJsonContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
}

/** Writes `text` to a fresh temporary file and returns its path. */
export function tempConfig(text: string, name = 'route-config.json'): string {
  const file = join(mkdtempSync(join(scratchDir(), 'config-')), name);
  writeFileSync(file, text);
  return file;
}

/** A fresh, empty directory for a cloud assembly (`new App({ outdir })`). */
export function freshOutdir(): string {
  return mkdtempSync(join(scratchDir(), 'cdk.out-'));
}

/** Options of {@link buildStack}. */
export interface BuildOptions {
  /** Context on top of cdk.json's (what `-c key=value` adds). */
  context?: Record<string, unknown>;
  /** Environment the stack reads `${VAR}` values from. */
  variableSource?: Env;
  /** Run esbuild for real (slower); otherwise bundling is skipped as `cdk` does for unselected stacks. */
  bundle?: boolean;
  /** App registry instead of the repository's `apps/index.ts`. */
  registry?: Readonly<Record<string, unknown>>;
}

/**
 * The app exactly as infra/bin/app.ts builds it, with cdk.json's context, the fixture config and
 * `LOCAL_BASE` unless the caller overrides them.
 */
export function buildStack(options: BuildOptions = {}): { app: App; stack: RouterStack } {
  const app = new App({
    analyticsReporting: false,
    outdir: freshOutdir(),
    context: {
      ...cdkJsonContext(),
      config: FIXTURE_CONFIG,
      LOCAL_BASE,
      // An empty list makes NodejsFunction skip esbuild: the template is the same bar the asset hash.
      ...(options.bundle === true ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
  // Named as infra/bin/app.ts names it; the stage itself is read from context by the stack.
  const stage = String(options.context?.stage ?? 'dev');
  const id = isStageName(stage) ? stackId(stage) : 'HadokuRoute-invalid';
  const stack = new RouterStack(app, id, { variableSource: options.variableSource ?? {}, registry: options.registry });
  return { app, stack };
}

/** {@link buildStack}'s template. */
export function templateOf(options: BuildOptions = {}): Template {
  return Template.fromStack(buildStack(options).stack);
}

/** A template with asset hashes replaced, so a snapshot survives edits to the handler's code. */
export function normalisedTemplate(template: Template): unknown {
  return JSON.parse(JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}
