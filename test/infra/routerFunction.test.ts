import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  InvalidInputError,
  MissingVariableError,
  RouteConfigFileError,
  RouteConfigInvalidError,
  RouteConfigTooLargeError,
} from '../../infra/lib/errors.ts';
import { RouterFunction, type RouterFunctionProps } from '../../infra/lib/routerFunction.ts';
import { configVariableNames } from '../../infra/lib/routeConfigFile.ts';
import { FIXTURE_CONFIG, LOCAL_BASE, freshOutdir, tempConfig, templateOf } from './stackFixture.ts';

const fixtureText = readFileSync(FIXTURE_CONFIG, 'utf8');

/** A RouterFunction in a bare stack, bundling skipped. */
function build(props: Partial<RouterFunctionProps>): Template {
  const app = new App({ analyticsReporting: false, outdir: freshOutdir(), context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test');
  new RouterFunction(stack, 'Router', { configText: fixtureText, variables: { LOCAL_BASE }, ...props });
  return Template.fromStack(stack);
}

describe('Class: RouterFunction', () => {
  describe('Prop: configText', () => {
    it('fails synth naming the file and the field when the config is invalid', () => {
      // Prepare
      const file = tempConfig(JSON.stringify({ global_priority: '17', providers: { '1': 'https://a.example.com' } }));

      // Act
      const act = () => templateOf({ context: { config: file } });

      // Assess
      expect(act).toThrow(RouteConfigInvalidError);
      expect(act).toThrow(file);
      expect(act).toThrow(/global_priority.*"7"/);
    });

    it('fails synth on a ${VAR} nobody gave a value, saying which and how to give it', () => {
      // Act
      const act = () => templateOf({ context: { LOCAL_BASE: undefined } });

      // Assess
      expect(act).toThrow(MissingVariableError);
      expect(act).toThrow(`${FIXTURE_CONFIG} refers to \${LOCAL_BASE} but no value was given: pass -c LOCAL_BASE=<value>`);
    });

    it("rejects an unresolved ${VAR} through the core's own validation", () => {
      expect(() => build({ variables: {} })).toThrow(RouteConfigInvalidError);
      expect(() => build({ variables: {} })).toThrow(/providers\.1: .*LOCAL_BASE/);
    });

    it('fails synth when the JSON does not parse', () => {
      const file = tempConfig('{ "providers": ');
      expect(() => templateOf({ context: { config: file } })).toThrow(/not valid JSON/);
    });

    // Two syntheses: slow on a loaded machine.
    it('picks the SSM tier from the file: Standard up to 4096 bytes, Advanced above', { timeout: 120_000 }, () => {
      // Prepare: valid, but padded with whitespace past the Standard limit.
      const padded = fixtureText.replace('{', `{${' '.repeat(4100)}`);

      // Act
      const standard = build({});
      const advanced = build({ configText: padded });

      // Assess: CloudFormation owns the tier, so a flip never has to raise it behind its back.
      standard.hasResourceProperties('AWS::SSM::Parameter', { Tier: 'Standard' });
      advanced.hasResourceProperties('AWS::SSM::Parameter', { Tier: 'Advanced', Value: padded });
    });

    it('fails synth when the config is over the 8192 bytes of an SSM Advanced parameter', () => {
      // Prepare
      const file = tempConfig(fixtureText.replace('{', `{${' '.repeat(8200)}`));

      // Act
      const act = () => templateOf({ context: { config: file } });

      // Assess
      expect(act).toThrow(RouteConfigTooLargeError);
      expect(act).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is \\d+ bytes: over the 8192-byte limit`));
    });

    it('fails synth when the file does not exist, naming it', () => {
      const missing = join(FIXTURE_CONFIG, '..', 'missing.json');
      expect(() => templateOf({ context: { config: missing } })).toThrow(RouteConfigFileError);
      expect(() => templateOf({ context: { config: missing } })).toThrow(`cannot read the route config ${missing}`);
    });

    it('sizes the timeout from the largest deadline_ms of any route', () => {
      // Prepare
      const config = JSON.parse(fixtureText) as { routes: Record<string, Record<string, unknown>> };
      config.routes.task.deadline_ms = 12_500;

      // Act
      const template = build({ configText: JSON.stringify(config) });

      // Assess
      template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 15 });
    });
  });

  describe('Prop validation', () => {
    it.each<[string, Partial<RouterFunctionProps>, RegExp]>([
      [
        'a base that is not an http(s) URL',
        { variables: { LOCAL_BASE: 'ftp://x' } },
        /variables\.LOCAL_BASE: expected an absolute http\(s\) URL/,
      ],
      ['a variable the construct sets itself', { variables: { LOCAL_BASE, ROUTE_DRAIN: 'true' } }, /variables\.ROUTE_DRAIN/],
      ['a self that is no provider', { self: '9' }, /self: "9" is not a provider id .*known: 1, 2, 3/],
      [
        'a timeout inside the deadline',
        { timeout: Duration.seconds(8) },
        /timeout: must be whole seconds, above the config's largest deadline_ms \(8000 ms\)/,
      ],
      ['a reserved parameter name', { parameterName: '/aws/route' }, /parameterName: "\/aws\/route" is not a valid SSM parameter name/],
      [
        'a reserved health parameter name',
        { healthParameterName: 'ssm-health' },
        /healthParameterName: "ssm-health" is not a valid SSM parameter name/,
      ],
      [
        'a health parameter that is the config parameter',
        { parameterName: '/team/router/config', healthParameterName: '/team/router/config' },
        /healthParameterName: must differ from parameterName/,
      ],
      ['a fractional max age', { configMaxAge: Duration.millis(1500) }, /configMaxAge: expected whole seconds >= 1/],
      ['too little memory', { memorySize: 64 }, /memorySize: expected a whole number of MB from 128 to 10240/],
    ])('rejects %s before building anything', (_name, props, message) => {
      expect(() => build(props)).toThrow(InvalidInputError);
      expect(() => build(props)).toThrow(message);
    });

    it('honours explicit props', () => {
      // Act
      const template = build({
        parameterName: '/team/router/config',
        healthParameterName: '/team/router/health',
        timeout: Duration.seconds(20),
        memorySize: 512,
        configMaxAge: Duration.minutes(1),
        enableSourceMaps: false,
      });

      // Assess
      template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/team/router/config' });
      template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/team/router/health' });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Timeout: 20,
        MemorySize: 512,
        Environment: {
          Variables: {
            ROUTE_CONFIG_MAX_AGE: '60',
            ROUTE_HEALTH_PARAM: { Ref: Match.stringLikeRegexp('^RouterHealthParameter') },
            NODE_OPTIONS: Match.absent(),
          },
        },
      });
    });
  });
});

describe('Function: configVariableNames', () => {
  it('lists each ${VAR} once, in order of first use', () => {
    expect(configVariableNames('{"a":"${B_BASE}/x","b":"${A}","c":"${B_BASE}","d":"$NOPE ${1X}"}')).toEqual(['B_BASE', 'A']);
  });
});
