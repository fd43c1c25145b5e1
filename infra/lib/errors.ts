/**
 * Errors raised while synthesizing the CDK app. Each one stops `cdk synth`/`cdk deploy` before
 * anything reaches AWS, with a message that says what to fix and where.
 */

/** Base class: catch this to handle every infra input problem at once. */
export class InfraInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InfraInputError';
  }
}

/** `route-config.json` (or the file named by `-c config=...`) could not be read. */
export class RouteConfigFileError extends InfraInputError {
  /** Absolute path of the file that could not be read. */
  readonly file: string;

  constructor(file: string, options?: ErrorOptions) {
    super(`cannot read the route config ${file}: ${String((options?.cause as Error | undefined)?.message ?? 'unknown error')}`, options);
    this.name = 'RouteConfigFileError';
    this.file = file;
  }
}

/** The route config failed the core's validation: it would be rejected by the deployed router. */
export class RouteConfigInvalidError extends InfraInputError {
  /** Every problem found, each naming its field. */
  readonly errors: readonly string[];

  constructor(source: string, errors: readonly string[], options?: ErrorOptions) {
    super(`${source} is not a valid route config:\n${errors.map((e) => `  - ${e}`).join('\n')}`, options);
    this.name = 'RouteConfigInvalidError';
    this.errors = errors;
  }
}

/** The route config does not fit an SSM parameter of any tier (Advanced: 8192 bytes). */
export class RouteConfigTooLargeError extends InfraInputError {
  /** Size of the config in UTF-8 bytes. */
  readonly bytes: number;

  constructor(source: string, bytes: number, limit: number) {
    super(
      `${source} is ${bytes} bytes: over the ${limit}-byte limit of an SSM Advanced parameter ` +
        '(shrink it, e.g. drop whitespace or defaults)',
    );
    this.name = 'RouteConfigTooLargeError';
    this.bytes = bytes;
  }
}

/** The config refers to `${VAR}` tokens that neither context nor the environment gives a value. */
export class MissingVariableError extends InfraInputError {
  /** The names without a value. */
  readonly names: readonly string[];

  constructor(source: string, names: readonly string[]) {
    super(
      `${source} refers to ${names.map((n) => `\${${n}}`).join(', ')} but no value was given: ` +
        `pass ${names.map((n) => `-c ${n}=<value>`).join(' ')} (or export ${names.join(', ')}) to cdk synth/deploy`,
    );
    this.name = 'MissingVariableError';
    this.names = names;
  }
}

/** A construct prop or a deploy-time input (CDK context, environment) has an invalid value. */
export class InvalidInputError extends InfraInputError {
  /** Name of the prop or context key at fault. */
  readonly input: string;

  constructor(input: string, message: string, options?: ErrorOptions) {
    super(`${input}: ${message}`, options);
    this.name = 'InvalidInputError';
    this.input = input;
  }
}
