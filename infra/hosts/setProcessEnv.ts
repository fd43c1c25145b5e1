/**
 * Sets variables on `process.env` (for code that reads it directly, like a Lambda handler) and
 * returns a function that puts the previous values back.
 */
export function setProcessEnv(values: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  Object.assign(process.env, values);
  return () => {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
