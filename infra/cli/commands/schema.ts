import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { routeConfigJsonSchema } from '../../../shared/index.ts';
import type { Command } from '../command.ts';
import { ExitCode } from '../../kit/exitCodes.ts';

/** File name editors find the schema under (`"$schema": "./route-config.schema.json"`). */
export const SCHEMA_FILE = 'route-config.schema.json';

/** `hadoku-route schema`: the JSON Schema of route-config.json. */
export const schemaCommand: Command = {
  name: 'schema',
  summary: 'print (or --write) the JSON Schema of route-config.json',
  usage: ['schema [--write] [--out FILE]'],
  description: [
    'Prints the JSON Schema of route-config.json, generated from the very schema the routers',
    `validate with. --write saves it to ./${SCHEMA_FILE} (2-space JSON), which the example config`,
    'names in "$schema" so that editors validate and complete the file as you type.',
  ],
  options: {
    write: { type: 'boolean', short: 'w', description: `write to ./${SCHEMA_FILE} instead of printing` },
    out: { type: 'string', short: 'o', valueName: 'FILE', description: `with --write, the file to write [default: ./${SCHEMA_FILE}]` },
  },
  examples: [
    { command: 'schema', comment: 'print the schema' },
    { command: 'schema --write', comment: `refresh ./${SCHEMA_FILE} after a schema change` },
  ],
  // Writing the file can fail (exit 1); nothing here reaches a store.
  exitCodes: [ExitCode.ok, ExitCode.invalid],
  async run(args, io) {
    const text = `${JSON.stringify(routeConfigJsonSchema, null, 2)}\n`;
    if (!args.values.write && args.values.out === undefined) {
      io.out(text.trimEnd());
      return ExitCode.ok;
    }
    const file = resolve(io.cwd, (args.values.out as string | undefined) ?? SCHEMA_FILE);
    await writeFile(file, text);
    io.err(`wrote ${file} (${Buffer.byteLength(text)} bytes)`);
    return ExitCode.ok;
  },
};
