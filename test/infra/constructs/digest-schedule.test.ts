import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Alerting } from '../../../lib/constructs/alerting.ts';
import { DigestSchedule } from '../../../lib/constructs/digest-schedule.ts';
import { Polling } from '../../../lib/constructs/polling.ts';
import { Storage } from '../../../lib/constructs/storage.ts';
import { SHIPPED_CONFIG } from '../../../lib/deploy-settings.ts';
import { constructStack } from '../../helpers/cdk.ts';

function digestStack(timeZone: string, hour: number) {
  const stack = constructStack();
  const storage = new Storage(stack, 'Storage');
  const alerting = new Alerting(stack, 'Alerting');
  const polling = new Polling(stack, 'Polling', { table: storage.table, alerting, configFile: SHIPPED_CONFIG });
  new DigestSchedule(stack, 'Digest', {
    pollFunction: polling.function,
    schedulerRole: polling.schedulerRole,
    deadLetterQueue: polling.deadLetterQueue,
    time: { hour, timeZone, weekly: false },
  });
  return Template.fromStack(stack);
}

describe('DigestSchedule', () => {
  const template = digestStack('America/Los_Angeles', 9);
  const pollFunction = Object.keys(template.findResources('AWS::Lambda::Function'))[0]!;

  it("invokes the poll function with { digest: true } at the hour in the campaign's time zone", () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 * * ? *)',
      ScheduleExpressionTimezone: 'America/Los_Angeles',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [pollFunction, 'Arn'] },
        Input: Match.serializedJson({ source: 'fanpulse.digest', digest: true, scheduledTime: '<aws.scheduler.scheduled-time>', executionId: '<aws.scheduler.execution-id>' }),
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PollingSchedulerRole'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PollingDeadLetters'), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
      },
    });
  });

  it("reuses the poll schedule's role: no new role for the scheduler", () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    expect(Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.includes('Scheduler'))).toHaveLength(1);
  });

  it('takes the hour and zone from the config, midnight included', () => {
    digestStack('UTC', 0).hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 0 * * ? *)', ScheduleExpressionTimezone: 'UTC' });
  });
});
