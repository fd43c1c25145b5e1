import {
  GetParameterCommand,
  GetParameterHistoryCommand,
  PutParameterCommand,
  SSMClient,
  type ParameterHistory,
} from '@aws-sdk/client-ssm';
import { SSM_STANDARD_MAX_BYTES } from '../../../shared/index.ts';
import { InvalidConfigError, StoreConflictError, StoreSetupError, StoreUnavailableError } from '../../kit/errors.ts';
import type { ConfigStore, StoredConfig, StoredVersion } from './configStore.ts';

/** Options of {@link SsmStore}. */
export interface SsmStoreOptions {
  /** Parameter name (`--parameter`, else `ROUTE_CONFIG_PARAMETER`). */
  name: string;
  /** Environment: `AWS_REGION`, `AWS_ENDPOINT_URL_SSM` and the standard credential chain. */
  env: Record<string, string | undefined>;
  /** Per HTTP request. @default 5000 */
  requestTimeoutMs?: number;
}

/**
 * The SSM parameter the Lambda reads (`GetParameter` / `PutParameter` with Overwrite /
 * `GetParameterHistory`). SSM has no conditional put, so a write re-reads the version first and
 * checks the version the put returns: a concurrent flip is refused before, or reported after.
 */
export class SsmStore implements ConfigStore {
  readonly target = 'ssm' as const;
  readonly remote = true;
  readonly label: string;
  readonly name: string;
  readonly #client: SSMClient;

  constructor(options: SsmStoreOptions) {
    this.name = options.name;
    this.label = `ssm ${options.name}`;
    const endpoint = options.env.AWS_ENDPOINT_URL_SSM;
    const region = options.env.AWS_REGION ?? options.env.AWS_DEFAULT_REGION;
    const credentials = keysFrom(options.env);
    this.#client = new SSMClient({
      maxAttempts: 2,
      // requestTimeout alone only warns: a silent endpoint would hang the CLI (TOOLCHAIN.md).
      requestHandler: { requestTimeout: options.requestTimeoutMs ?? 5000, connectionTimeout: 3000, throwOnRequestTimeout: true },
      ...(endpoint ? { endpoint } : {}),
      ...(region ? { region } : {}),
      ...(credentials ? { credentials } : {}),
    });
  }

  async read(): Promise<StoredConfig | null> {
    try {
      const { Parameter } = await this.#client.send(new GetParameterCommand({ Name: this.name }));
      return {
        text: Parameter?.Value ?? '',
        version: String(Parameter?.Version ?? ''),
        ...(Parameter?.LastModifiedDate ? { modified: Parameter.LastModifiedDate } : {}),
      };
    } catch (error) {
      if (errorName(error) === 'ParameterNotFound') return null;
      throw this.#unavailable('read', error);
    }
  }

  async write(text: string, expected: string | null): Promise<string> {
    const current = await this.read();
    const now = current?.version ?? null;
    if (now !== expected) {
      throw new StoreConflictError(
        `${this.name} changed since it was read (version ${expected ?? 'none'} -> ${now ?? 'deleted'}); nothing written`,
        { details: ['run the command again to start from the new value (`history --target ssm` shows who changed what)'] },
      );
    }
    // The stack owns the tier (picked from route-config.json at synth): never raise it behind
    // CloudFormation's back, or the next deploy fails trying to set it back.
    const bytes = Buffer.byteLength(text);
    const advanced = current !== null && (await this.#tier()) === 'Advanced';
    if (bytes > SSM_STANDARD_MAX_BYTES && !advanced) {
      throw new InvalidConfigError(
        `${this.name}: the new config is ${bytes} bytes, over the ${SSM_STANDARD_MAX_BYTES} bytes of the parameter's Standard tier; nothing written`,
        {
          details: [
            'the stack picks the tier from route-config.json at synth: make the change there and `cdk deploy` (a file over 4096 bytes declares Advanced),',
            'or shorten the config (fewer routes, shorter provider bases)',
          ],
        },
      );
    }
    let version: number | undefined;
    try {
      const out = await this.#client.send(
        new PutParameterCommand({
          Name: this.name,
          Value: text,
          Type: 'String',
          Overwrite: expected !== null,
          // Said again on every put of an Advanced parameter, so no put can mean "back to Standard".
          ...(advanced ? { Tier: 'Advanced' } : {}),
        }),
      );
      version = out.Version;
    } catch (error) {
      if (errorName(error) === 'ParameterAlreadyExists') {
        throw new StoreConflictError(`${this.name} was created by someone else meanwhile; nothing written`, { cause: error });
      }
      throw this.#unavailable('write', error);
    }
    // Someone put between our check and our put: ours won, theirs is one version below it.
    if (expected !== null && version !== undefined && version !== Number(expected) + 1) {
      throw new StoreConflictError(
        `${this.name}: another write landed between our check and our put (expected version ${Number(expected) + 1}, got ${version})`,
        { details: ['ours is now the current value; compare with `history --target ssm` and roll back if needed'] },
      );
    }
    return String(version ?? '');
  }

  /** The parameter's current tier, from its newest version in the history (GetParameter does not say). */
  async #tier(): Promise<string> {
    const versions = await this.#historyPages();
    return versions.at(-1)?.Tier ?? 'Standard';
  }

  async history(): Promise<StoredVersion[]> {
    const versions = (await this.#historyPages()).map((p) => ({
      text: p.Value ?? '',
      version: String(p.Version ?? ''),
      ...(p.LastModifiedDate ? { modified: p.LastModifiedDate } : {}),
      ...(p.LastModifiedUser ? { author: p.LastModifiedUser } : {}),
    }));
    return versions.sort((a, b) => Number(a.version) - Number(b.version));
  }

  /** Every version SSM keeps (at most 100, 50 a page), oldest first; none for a missing parameter. */
  async #historyPages(): Promise<ParameterHistory[]> {
    const all: ParameterHistory[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      let out: { Parameters?: ParameterHistory[]; NextToken?: string };
      try {
        out = await this.#client.send(
          new GetParameterHistoryCommand({ Name: this.name, MaxResults: 50, ...(token ? { NextToken: token } : {}) }),
        );
      } catch (error) {
        if (errorName(error) === 'ParameterNotFound') return [];
        throw this.#unavailable('read the history of', error);
      }
      all.push(...(out.Parameters ?? []));
      token = out.NextToken;
      if (!token) break;
    }
    return all.sort((a, b) => (a.Version ?? 0) - (b.Version ?? 0));
  }

  #unavailable(action: string, error: unknown): StoreUnavailableError | StoreSetupError {
    const name = errorName(error);
    const message = (error as Error)?.message ?? String(error);
    const cause = `cannot ${action} ssm ${this.name}: ${message}`;
    // Missing credentials or region are input the user must fix (exit 1), not an outage (exit 2).
    if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
      return new StoreSetupError(cause, {
        details: ['no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'],
        cause: error,
      });
    }
    if (/region is missing|region/i.test(message) && !/endpoint/i.test(message)) {
      return new StoreSetupError(cause, { details: ['no AWS region: set AWS_REGION'], cause: error });
    }
    if (name === 'AccessDeniedException') {
      return new StoreSetupError(cause, {
        details: [
          `the caller may not ${action === 'write' ? 'ssm:PutParameter' : 'ssm:GetParameter*'} on ${this.name} (check AWS_PROFILE)`,
        ],
        cause: error,
      });
    }
    return new StoreUnavailableError(cause, {
      details: ['SSM did not answer: check AWS_REGION, AWS_ENDPOINT_URL_SSM and network access'],
      cause: error,
    });
  }
}

function errorName(error: unknown): string | undefined {
  return (error as { name?: string })?.name;
}

/**
 * Access keys from the command's own environment (`io.env`), as endpoint and region are: the SDK's
 * default chain reads `process.env`, which is not the command's when `dev` runs commands
 * in-process. Without both keys the default chain decides (profiles, SSO, instance roles).
 */
function keysFrom(env: Record<string, string | undefined>) {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}
