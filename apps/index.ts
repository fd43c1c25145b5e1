/**
 * THE app registry: the micro-apps this repository hosts, by app name (the `<app>` of
 * `/<app>/api`). The same registry is bundled into the Worker (`wrangler deploy`), into the Lambda
 * (the CDK `NodejsFunction`) and mounted by the Express router, so every deployment serves its own
 * copy. A deployment hosts a subset with `ROUTE_APPS` (e.g. `ROUTE_APPS=watchparty`).
 *
 * Add an app: one file exporting a `{ fetch(request, env) }` module (a Hono app as it is), plus
 * one line here. Names must be `[a-z0-9-]+`; a bad name fails `validate`, `serve`, `cdk synth`
 * and the Worker build with a message naming it.
 */
import type { AppRegistry } from '../shared/index.ts';
import { taskApp } from './task.ts';
import { watchpartyApp } from './watchparty.ts';

/** Every app this repository can host. */
export const apps: AppRegistry = {
  task: taskApp,
  watchparty: watchpartyApp,
};
