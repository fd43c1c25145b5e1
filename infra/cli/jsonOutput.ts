import { describeOrders, type RouteConfigSnapshot } from '../../shared/index.ts';
import type { ConfigVariable } from './configVariables.ts';
import type { CliIo } from '../kit/io.ts';
import { storedBases } from './formatOrders.ts';
import type { ConfigStore, TargetName } from './stores/configStore.ts';

/*
 * The `--json` documents of validate, show, flip, push, history and rollback: one JSON object on
 * stdout, `"ok": true` on success. Exit codes are the same as without `--json`. Keys are only
 * ever added, never renamed: CI steps read them. No value substituted for a `${VAR}` appears in
 * any of them (bases are shown as stored).
 */

/** One app's effective order; `app` `*` stands for apps without a route (`global_priority`). */
export interface JsonOrder {
  app: string;
  /** Provider ids, tried first to last. */
  order: string[];
  /** `env` when `ROUTE_PRIORITY` / `<APP>_ROUTE_PRIORITY` replaced it (only `validate` honours them). */
  source: 'config' | 'env';
}

/** A provider and its base URL as stored (a `${VAR}` stays a token). */
export interface JsonProvider {
  id: string;
  base: string;
}

/** How one app's order changes (`flip`, `push`, `rollback`); `null` = the app is not there. */
export interface JsonOrderChange {
  app: string;
  before: string[] | null;
  after: string[] | null;
}

/** Where a store command read or wrote. */
export interface JsonStore {
  target: TargetName;
  /** As the human output names it, e.g. `ssm /hadoku-route/route-config`. */
  label: string;
}

/** What a write command did: wrote, would write (`--dry-run`), or found nothing to change. */
export type JsonWriteResult = 'written' | 'dry-run' | 'unchanged';

/** A failure, printed on stdout by commands with `--json` (the human message still goes to stderr). */
export interface JsonFailure {
  ok: false;
  exit_code: number;
  /** The one-line message, without the program name. */
  error: string;
  /** The lines printed under it: for an invalid config, one error per line, field first. */
  details: string[];
}

/**
 * Builds the {@link JsonFailure} document.
 *
 * @example
 * jsonFailure(1, 'route-config.json: invalid config, 1 error', ['- global_priority: unknown provider id "9"'])
 */
export function jsonFailure(exitCode: number, error: string, details: readonly string[]): JsonFailure {
  return { ok: false, exit_code: exitCode, error, details: details.map((line) => line.replace(/^- /, '')) };
}

/** Prints one JSON document on stdout (2-space, so that a human can read it too). */
export function printJson(io: CliIo, value: object): void {
  io.out(JSON.stringify(value, null, 2));
}

/** Every app's order, as {@link JsonOrder}s. */
export function jsonOrders(config: RouteConfigSnapshot): JsonOrder[] {
  return describeOrders(config).map((o) => ({ app: o.app, order: o.order, source: o.priority_source }));
}

/** The providers with their bases as stored in `text`. */
export function jsonProviders(config: RouteConfigSnapshot, text: string): JsonProvider[] {
  const stored = storedBases(text);
  return [...config.providers.values()].map((p) => ({ id: p.id, base: stored[p.id] ?? p.base }));
}

/** The `${VAR}`s a config uses: name, whether set here, the fields that use them. */
export function jsonVariables(variables: readonly ConfigVariable[]): ConfigVariable[] {
  return variables.map((v) => ({ name: v.name, set: v.set, fields: [...v.fields] }));
}

/** Each app's order before and after, every app of either side listed once. */
export function jsonOrderChanges(before: RouteConfigSnapshot | null, after: RouteConfigSnapshot): JsonOrderChange[] {
  const old = new Map(before ? describeOrders(before).map((o) => [o.app, o.order] as const) : []);
  const changes: JsonOrderChange[] = describeOrders(after).map((o) => ({ app: o.app, before: old.get(o.app) ?? null, after: o.order }));
  for (const [app, order] of old) if (!changes.some((c) => c.app === app)) changes.push({ app, before: order, after: null });
  return changes;
}

/** The {@link JsonStore} of a store. */
export function jsonStore(store: ConfigStore): JsonStore {
  return { target: store.target, label: store.label };
}
