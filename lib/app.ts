// Builds the CDK app: deploy context → validated settings → the stack, with cdk-nag's AwsSolutions
// rules run on every synth (bin/app.ts, `cdk synth|deploy`, and the tests in test/infra/).

import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readDeploySettings } from './deploy-settings.ts';
import { FanpulseStack } from './fanpulse-stack.ts';

export async function createFanpulseApp(props: AppProps = {}): Promise<{ app: App; stack: FanpulseStack }> {
  const app = new App(props);
  const settings = await readDeploySettings(app.node);
  const stack = new FanpulseStack(app, settings.stackName, {
    settings,
    description: 'fanpulse: social-sentiment monitor for fan campaigns (polling, trends table, alerts, trends API, dashboard)',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
