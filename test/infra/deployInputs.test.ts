import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../infra/lib/errors.ts';
import { buildStack, templateOf } from './stackFixture.ts';

const AUTH_CONFIG = fileURLToPath(new URL('./fixtures/route-config-auth.json', import.meta.url));
const SECRET = 'hunter2-never-in-a-template';
const fakeApp = { fetch: () => new Response('ok') };

function environmentOf(template: ReturnType<typeof templateOf>): Record<string, unknown> {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
  return (fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables;
}

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('Deploy inputs: rejected values', () => {
  // One line each, naming the context key: what `cdk synth` prints after "hadoku-route: ".
  it.each<[string, Record<string, unknown>, string, Readonly<Record<string, unknown>>?]>([
    ['an upper-case stage', { stage: 'Prod' }, 'context "stage": expected 1-20 of a-z, 0-9 and "-", got "Prod"'],
    ['a stage with a slash', { stage: 'prod/x' }, 'context "stage": expected 1-20 of a-z, 0-9 and "-", got "prod/x"'],
    ['a stage of 21 characters', { stage: 'a'.repeat(21) }, `context "stage": expected 1-20 of a-z, 0-9 and "-", got "${'a'.repeat(21)}"`],
    ['a stage with a space', { stage: 'my stage' }, 'context "stage": expected 1-20 of a-z, 0-9 and "-"'],
    [
      'an alarmEmail without @',
      { alarmEmail: 'ops.example.com' },
      'context "alarmEmail": expected an e-mail address, got "ops.example.com"',
    ],
    [
      'an alarmEmail without a domain',
      { alarmEmail: 'ops@localhost' },
      'context "alarmEmail": expected an e-mail address, got "ops@localhost"',
    ],
    ['two addresses in alarmEmail', { alarmEmail: 'a@x.com b@y.com' }, 'context "alarmEmail": expected an e-mail address'],
    [
      'a reservedConcurrency of 0',
      { reservedConcurrency: '0' },
      'context "reservedConcurrency": expected a whole number from 1 to 1000, got "0"',
    ],
    [
      'a fractional reservedConcurrency',
      { reservedConcurrency: '2.5' },
      'context "reservedConcurrency": expected a whole number from 1 to 1000',
    ],
    ['a secrets entry that is no variable name', { secrets: 'TASK-KEY' }, 'context "secrets": "TASK-KEY" is not a variable name'],
    ['a secret the config does not use', { secrets: 'NOT_USED' }, 'context "secrets": "NOT_USED" is not a ${VAR} of'],
    [
      'a secret given a plain value',
      { config: AUTH_CONFIG, TASK_ADMIN_KEY: SECRET },
      'context "TASK_ADMIN_KEY": is a secret: store it with "aws ssm put-parameter',
    ],
    ['an unknown app', { apps: 'task,chat' }, 'context "apps": unknown app "chat" (the registry has: task, watchparty'],
    ['a registry entry with a bad name', {}, 'apps/index.ts: app registry entry "Task": not a valid app name', { Task: fakeApp }],
    ['a registry entry with no fetch', {}, 'apps/index.ts: app registry entry "task": has no fetch', { task: {} }],
  ])('%s fails synth: %s', (_name, context, message, registry) => {
    // Act
    const act = () => buildStack({ context, registry });

    // Assess
    expect(act).toThrow(InvalidInputError);
    expect(act).toThrow(message);
    try {
      act();
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
      expect((error as Error).message).not.toContain(SECRET);
    }
  });
});

describe('Deploy inputs: accepted values', () => {
  it('-c alarmEmail subscribes the address to the alarm topic', () => {
    templateOf({ context: { alarmEmail: 'ops@example.com' } }).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('^AlarmTopic') },
    });
  });

  it('-c reservedConcurrency caps the function', () => {
    templateOf({ context: { reservedConcurrency: '50' } }).hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 50,
    });
  });

  it('-c apps and -c self become ROUTE_APPS and ROUTE_SELF; unset apps hosts every app', () => {
    expect(environmentOf(templateOf({ context: { apps: 'watchparty', self: '3' } }))).toMatchObject({
      ROUTE_APPS: 'watchparty',
      ROUTE_SELF: '3',
    });
    expect(environmentOf(templateOf({ context: { apps: 'none' } }))).toMatchObject({ ROUTE_APPS: 'none' });
    expect(environmentOf(templateOf())).not.toHaveProperty('ROUTE_APPS');
  });
});

describe('Secrets never in a template', () => {
  it('reads an auth.value variable from SSM SecureString: only its parameter name reaches the function', () => {
    // Act
    const template = templateOf({ context: { config: AUTH_CONFIG, stage: 'prod' }, variableSource: { TASK_ADMIN_KEY: SECRET } });
    const env = environmentOf(template);

    // Assess
    expect(env).toMatchObject({ ROUTE_SECRET_PARAMETERS: 'TASK_ADMIN_KEY=/hadoku-route/prod/secrets/TASK_ADMIN_KEY' });
    expect(env).not.toHaveProperty('TASK_ADMIN_KEY');
    const statements = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(statements).toContain(':parameter/hadoku-route/prod/secrets/TASK_ADMIN_KEY');
  });

  it('-c secrets=LOCAL_BASE turns a plain variable into a secret', () => {
    // Act
    const env = environmentOf(
      templateOf({ context: { secrets: 'LOCAL_BASE', LOCAL_BASE: undefined }, variableSource: { LOCAL_BASE: SECRET } }),
    );

    // Assess
    expect(env).toMatchObject({ ROUTE_SECRET_PARAMETERS: 'LOCAL_BASE=/hadoku-route/dev/secrets/LOCAL_BASE' });
    expect(env).not.toHaveProperty('LOCAL_BASE');
  });

  it('leaves no secret value anywhere in the cloud assembly (template, bundle, manifest)', () => {
    // Prepare: the value sits in the synth process's environment, as on a CI runner.
    const { app } = buildStack({
      context: { config: AUTH_CONFIG, stage: 'prod' },
      variableSource: { TASK_ADMIN_KEY: SECRET },
      bundle: true,
    });

    // Act
    const dir = app.synth().directory;
    const files = filesUnder(dir);

    // Assess
    expect(files.some((file) => file.endsWith('HadokuRoute-prod.template.json'))).toBe(true);
    expect(files.some((file) => file.endsWith('index.mjs'))).toBe(true);
    for (const file of files) expect(readFileSync(file, 'utf8').includes(SECRET), file).toBe(false);
  });
});
