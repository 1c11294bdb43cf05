import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PASS_LEASE_MS } from '../../../lambdas/core/pipeline.ts';
import { Alerting } from '../../../lib/constructs/alerting.ts';
import { TABLE_ACTIONS } from '../../../lib/constructs/node-function.ts';
import { Polling, POLL_TIMEOUT } from '../../../lib/constructs/polling.ts';
import { Storage } from '../../../lib/constructs/storage.ts';
import { SHIPPED_CONFIG } from '../../../lib/deploy-settings.ts';
import { constructStack, policyActions } from '../../helpers/cdk.ts';

function polling(rate?: Duration, pageUrl?: string) {
  const stack = constructStack();
  const storage = new Storage(stack, 'Storage');
  const alerting = new Alerting(stack, 'Alerting');
  new Polling(stack, 'Polling', { table: storage.table, alerting, configFile: SHIPPED_CONFIG, rate, pageUrl });
  return Template.fromStack(stack);
}

const template = polling();
const pollFunction = () => Object.keys(template.findResources('AWS::Lambda::Function'))[0]!;

describe('Polling', () => {
  it('runs the poll handler on Node.js 22, arm64, with an explicit budget and its wiring in the environment', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 300,
      MemorySize: 512,
      Environment: {
        Variables: {
          FANPULSE_TABLE: { Ref: Match.stringLikeRegexp('^StorageTable') },
          FANPULSE_TOPIC_ARN: { Ref: Match.stringLikeRegexp('^AlertingTopic') },
          FANPULSE_CONFIG_FILE: '/var/task/fanpulse.config.json',
          FANPULSE_CONFIG_SOURCE: 'fanpulse.config.json',
          POWERTOOLS_SERVICE_NAME: 'Test',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^PollingFunctionLogs') } },
      ReservedConcurrentExecutions: Match.absent(),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('ends a pass before its pass lock lease can run out, so overlapping runs stay serialised by the lock', () => {
    expect(POLL_TIMEOUT.toMilliseconds()).toBeLessThan(PASS_LEASE_MS);
  });

  it('is invoked by EventBridge Scheduler every 15 minutes by default, with the scheduled time', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [pollFunction(), 'Arn'] },
        Input: Match.serializedJson({ source: 'fanpulse.schedule', scheduledTime: '<aws.scheduler.scheduled-time>', executionId: '<aws.scheduler.execution-id>' }),
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PollingDeadLetters'), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 },
      },
    });
    polling(Duration.minutes(5)).hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(5 minutes)' });
  });

  it('retries a failed pass and then keeps the event in an encrypted dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: pollFunction() },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 900,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PollingDeadLetters'), 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
  });

  it('grants the function exactly the store actions on the table, publish on the topic, and its own logs', () => {
    const role = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('PollingFunctionRole'))!;
    const statements = role[1].Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[];
    const dynamo = statements.find((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')))!;
    expect([dynamo.Action].flat().sort()).toEqual([...TABLE_ACTIONS['read-write']].sort());
    expect(dynamo.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^StorageTable/), 'Arn'] });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: expect.stringMatching(/^AlertingTopic/) } });
    // The alert topic's key is aws/sns, whose own policy lets the account use it through SNS.
    expect(statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('kms:')))).toEqual([]);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^PollingFunctionLogs/), 'Arn'] } });
    expect(statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('sqs:'))).flatMap((s) => s.Action)).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
  });

  it('lets the scheduler invoke only the poll function, and park undeliverable events in the queue', () => {
    const policy = Object.entries(template.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('PollingSchedulerRole'))!;
    expect(policy[1].Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [{ 'Fn::GetAtt': [pollFunction(), 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [pollFunction(), 'Arn'] }, ':*']] }] },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^PollingDeadLetters/), 'Arn'] } },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } })] },
    });
  });

  it('uses no wildcard action anywhere', () => {
    expect([...policyActions(template).values()].flat().filter((action) => action.includes('*'))).toEqual([]);
  });

  it("tells the function the dashboard's address when there is one, so alert e-mails link to it", () => {
    const page = 'https://abc123.execute-api.eu-west-1.amazonaws.com/';
    polling(undefined, page).hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ FANPULSE_PAGE_URL: page }) } });
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fn!.Properties.Environment.Variables).not.toHaveProperty('FANPULSE_PAGE_URL');
  });
});
