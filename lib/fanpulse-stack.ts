// The fanpulse stack: the constructs wired as the architecture reads (README "How it works").
// Composition only; each construct holds its own decisions.

import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Alerting } from './constructs/alerting.ts';
import { digestSchedule } from '../lambdas/config/digest-schema.ts';
import { Credentials } from './constructs/credentials.ts';
import { DigestSchedule } from './constructs/digest-schedule.ts';
import { FanOut } from './constructs/fan-out.ts';
import { fansOut } from '../lambdas/core/fan-out-plan.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { Polling } from './constructs/polling.ts';
import { QueryApi } from './constructs/query-api.ts';
import { Storage } from './constructs/storage.ts';
import type { DeploySettings } from './deploy-settings.ts';

export interface FanpulseStackProps extends StackProps {
  readonly settings: DeploySettings;
}

export class FanpulseStack extends Stack {
  readonly storage: Storage;
  readonly alerting: Alerting;
  readonly credentials: Credentials;
  readonly polling: Polling;
  readonly queryApi: QueryApi;
  readonly monitoring: Monitoring;
  /** Present when the config has a `digest` section. */
  readonly digestSchedule: DigestSchedule | undefined;
  /** Present when the config has more sources than one invocation polls (poll.sourcesPerInvocation). */
  readonly fanOut: FanOut | undefined;

  constructor(scope: Construct, id: string, props: FanpulseStackProps) {
    super(scope, id, props);
    const { settings } = props;

    this.storage = new Storage(this, 'Storage', { removalPolicy: settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY });
    this.alerting = new Alerting(this, 'Alerting', { emails: settings.alertEmails });
    this.credentials = new Credentials(this, 'Credentials');
    this.queryApi = new QueryApi(this, 'QueryApi', { table: this.storage.table, configFile: settings.configFile, public: settings.publicApi });
    this.polling = new Polling(this, 'Polling', {
      table: this.storage.table,
      alerting: this.alerting,
      credentials: this.credentials,
      configFile: settings.configFile,
      rate: Duration.minutes(settings.pollRateMinutes),
      // A public API serves the dashboard: alert e-mails link to the spike on it.
      pageUrl: settings.publicApi ? this.queryApi.url : undefined,
    });
    this.fanOut = fansOut(settings.config.sources.length, settings.config.poll) ? new FanOut(this, 'FanOut', { polling: this.polling }) : undefined;
    const digestTime = digestSchedule(settings.config);
    this.digestSchedule = digestTime
      ? new DigestSchedule(this, 'Digest', {
          pollFunction: this.polling.function,
          schedulerRole: this.polling.schedulerRole,
          deadLetterQueue: this.polling.deadLetterQueue,
          time: digestTime,
        })
      : undefined;
    this.monitoring = new Monitoring(this, 'Monitoring', {
      alarmTopic: this.alerting.alarmTopic,
      pollFunction: this.polling.function,
      pollLogGroup: this.polling.function.logGroup,
      pollRate: this.polling.rate,
      deadLetterQueue: this.polling.deadLetterQueue,
      fanOut: this.fanOut && { worker: this.fanOut.worker, deadLetterQueue: this.fanOut.deadLetterQueue },
      queryFunction: this.queryApi.function,
      api: this.queryApi.api,
      dashboard: settings.dashboard,
    });

    new CfnOutput(this, 'TableName', { value: this.storage.table.tableName, description: 'FANPULSE_TABLE for the CLI' });
    new CfnOutput(this, 'AlertTopicArn', { value: this.alerting.topic.topicArn, description: 'Spike alerts are published here' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alerting.alarmTopic.topicArn, description: 'The monitoring alarms are published here' });
    new CfnOutput(this, 'ApiUrl', { value: this.queryApi.url, description: `GET <url>trends, alerts, sources (${settings.publicApi ? 'public' : 'IAM-signed requests'})` });
    const { dashboardUrl } = this.monitoring;
    if (dashboardUrl) new CfnOutput(this, 'DashboardUrl', { value: dashboardUrl, description: 'The monitor: alarms, passes, what each source reads and why one fails' });
    new CfnOutput(this, 'PollFunctionName', { value: this.polling.function.functionName, description: 'aws lambda invoke --function-name <this> out.json runs a pass now' });
    new CfnOutput(this, 'CredentialsSecretName', { value: this.credentials.secret.secretName, description: 'Source keys: aws secretsmanager put-secret-value --secret-id <this> --secret-string file://credentials.json' });
    new CfnOutput(this, 'ReaderPolicyArn', { value: this.queryApi.readerPolicy.managedPolicyArn, description: 'Attach to a user or role to query the API and the table' });
  }
}
