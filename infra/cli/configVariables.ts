/** One `${VAR}` a config uses, as the CLI reports it: never with its value. */
export interface ConfigVariable {
  /** The variable's name, e.g. `LOCAL_BASE`. */
  name: string;
  /** Whether this shell (or `.env`) sets it to a non-empty value. */
  set: boolean;
  /** Fields whose value uses it, e.g. `providers.1`, `routes.task.auth.value`. */
  fields: string[];
}

const TOKEN = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Every `${VAR}` in the string values of a config text, in order of first use, with the fields
 * that use it and whether `env` sets it. Text that is not JSON has none (its error is reported
 * elsewhere).
 *
 * @example
 * configVariables('{"providers":{"1":"${LOCAL_BASE}"}}', {})
 * // [{ name: 'LOCAL_BASE', set: false, fields: ['providers.1'] }]
 */
export function configVariables(text: string, env: Record<string, string | undefined>): ConfigVariable[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return [];
  }
  const found = new Map<string, ConfigVariable>();
  walk(raw, '', (path, value) => {
    for (const [, name] of value.matchAll(TOKEN)) {
      const variable = found.get(name) ?? { name, set: (env[name] ?? '') !== '', fields: [] };
      if (!variable.fields.includes(path)) variable.fields.push(path);
      found.set(name, variable);
    }
  });
  return [...found.values()];
}

// Same field paths as the validator's messages: `a.b`, `a[0]`, `(root)` for the top.
function walk(value: unknown, path: string, visit: (path: string, value: string) => void): void {
  if (typeof value === 'string') visit(path || '(root)', value);
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) walk(v, `${path}[${i}]`, visit);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, visit);
  }
}
