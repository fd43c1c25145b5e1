import type { OptionSpec } from './command.ts';

/**
 * `--strict`, shared by every command that checks or edits a config: without it a `${VAR}` this
 * shell does not set is checked with a placeholder (and reported); with it, that is an error.
 *
 * @default false
 */
export const STRICT_OPTION: OptionSpec = {
  type: 'boolean',
  description: 'every ${VAR} the config uses must be set here (else exit 1 naming it)',
};
