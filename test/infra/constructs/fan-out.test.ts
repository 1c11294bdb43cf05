import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { INVOCATION_MS } from '../../../lambdas/core/fan-out-plan.ts';
import { PASS_LEASE_MS } from '../../../lambdas/core/pipeline.ts';
import { Alerting } from '../../../lib/constructs/alerting.ts';
import { Credentials } from '../../../lib/constructs/credentials.ts';
import { BATCH_ATTEMPTS, BATCH_VISIBILITY, FanOut } from '../../../lib/constructs/fan-out.ts';
import { TABLE_ACTIONS } from '../../../lib/constructs/node-function.ts';
import { Polling, POLL_TIMEOUT } from '../../../lib/constructs/polling.ts';
import { Storage } from '../../../lib/constructs/storage.ts';
import { SHIPPED_CONFIG } from '../../../lib/deploy-settings.ts';
import { constructStack, policyActions } from '../../helpers/cdk.ts';

function fanOut() {
  const stack = constructStack();
  const storage = new Storage(stack, 'Storage');
  const alerting = new Alerting(stack, 'Alerting');
  const credentials = new Credentials(stack, 'Credentials');
  const polling = new Polling(stack, 'Polling', { table: storage.table, alerting, credentials, configFile: SHIPPED_CONFIG });
  new FanOut(stack, 'FanOut', { polling });
  return Template.fromStack(stack);
}

const template = fanOut();
const logicalId = (type: string, prefix: string) => Object.keys(template.findResources(type)).find((id) => id.startsWith(prefix))!;
const functionProps = (prefix: string) => template.findResources('AWS::Lambda::Function')[logicalId('AWS::Lambda::Function', prefix)]!.Properties;

describe('FanOut', () => {
  it('gives the worker what the poll function has: the bundled config, the table, the alert topic and the credentials', () => {
    const worker = functionProps('FanOutWorker');
    const poll = functionProps('PollingFunction');
    expect(worker).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Timeout: POLL_TIMEOUT.toSeconds(), MemorySize: 512 });
    const { FANPULSE_BATCH_QUEUE_URL, ...pollEnv } = poll.Environment.Variables;
    expect(FANPULSE_BATCH_QUEUE_URL).toEqual({ Ref: logicalId('AWS::SQS::Queue', 'FanOutBatches') });
    expect(worker.Environment.Variables).toEqual(pollEnv);

    const statements = (prefix: string) =>
      template.findResources('AWS::IAM::Policy')[logicalId('AWS::IAM::Policy', prefix)]!.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[];
    const actions = (prefix: string, service: string) => statements(prefix).flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith(service)).sort();
    expect(actions('FanOutWorkerRole', 'dynamodb:')).toEqual([...TABLE_ACTIONS['read-write']].sort());
    expect(actions('FanOutWorkerRole', 'sns:')).toEqual(['sns:Publish']);
    expect(actions('FanOutWorkerRole', 'secretsmanager:')).toEqual(['secretsmanager:GetSecretValue']);
    // The worker receives and deletes batches; the planner only sends them.
    expect(actions('FanOutWorkerRole', 'sqs:')).toEqual(['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage']);
    const pollSqs = statements('PollingFunctionRole').filter((s) => JSON.stringify(s.Resource).includes('FanOutBatches'));
    expect(pollSqs.flatMap((s) => [s.Action].flat()).sort()).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    expect([...policyActions(template).values()].flat().filter((a) => a.includes('*'))).toEqual([]);
  });

  it('hands the worker one batch at a time, reporting failed batches alone, with at most five workers at once', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId('AWS::Lambda::Function', 'FanOutWorker') },
      EventSourceArn: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', 'FanOutBatches'), 'Arn'] },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('brings a crashed batch back while its pass still holds the lock, and parks it after three attempts in an encrypted dead-letter queue', () => {
    // Longer than a worker runs (or Lambda would hand the batch to a second worker meanwhile) and
    // than a finish's claim, shorter than the lease a worker renews when it starts.
    expect(BATCH_VISIBILITY.toMilliseconds()).toBeGreaterThan(POLL_TIMEOUT.toMilliseconds());
    expect(POLL_TIMEOUT.toMilliseconds()).toBeLessThanOrEqual(INVOCATION_MS);
    // A finish's claim lasts INVOCATION_MS from its batch's start, so a crashed finisher's message finds it run out.
    expect(BATCH_VISIBILITY.toMilliseconds()).toBeGreaterThan(INVOCATION_MS);
    expect(BATCH_VISIBILITY.toMilliseconds()).toBeLessThan(PASS_LEASE_MS);
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: BATCH_VISIBILITY.toSeconds(),
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', 'FanOutDeadBatches'), 'Arn'] }, maxReceiveCount: BATCH_ATTEMPTS },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: Match.absent(), SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400, RedrivePolicy: Match.absent() });
  });
});
