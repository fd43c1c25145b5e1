/**
 * The environment that points the real AWS SDK at an SSM-protocol server on 127.0.0.1 with
 * dummy credentials (TOOLCHAIN.md), so nothing leaves loopback; with `parameter`, also the
 * config's parameter name (`ROUTE_CONFIG_PARAMETER`).
 *
 * @example
 * const env = cliEnv(ssmEnv(ssm.url, '/hadoku-route/route-config'));
 */
export function ssmEnv(endpoint: string, parameter?: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_SSM: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...(parameter === undefined ? {} : { ROUTE_CONFIG_PARAMETER: parameter }),
  };
}
