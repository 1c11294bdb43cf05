// The whole app as `npx cdk synth -c alertEmail=…` builds it: bundled with the local esbuild (no
// Docker), checked by CDK's template validation and cdk-nag, with no AWS credentials.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/constructs/node-function.ts';
import { awsSolutionsReport, policyActions, synthFanpulse } from '../helpers/cdk.ts';

const CONFIG = join(PROJECT_ROOT, 'test/fixtures/deploy/fanpulse.config.json');
let synth: Awaited<ReturnType<typeof synthFanpulse>>;
let template: Template;

beforeAll(async () => {
  for (const variable of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_SESSION_TOKEN']) delete process.env[variable];
  synth = await synthFanpulse({ alertEmail: 'ops@example.com', config: CONFIG });
  template = synth.template;
}, 600_000);

const functions = () => Object.entries(template.findResources('AWS::Lambda::Function'));

/** Asset hashes change with every code change; the template around them must not. */
const masked = (value: unknown) => JSON.parse(JSON.stringify(value).replace(/[0-9a-f]{64}/g, '[asset hash]'));

describe('FanpulseStack', () => {
  it('composes storage, alerting, credentials, polling, the query API and monitoring', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    // The alerts' topic and the alarms' topic, the address subscribed to each.
    template.resourceCountIs('AWS::SNS::Topic', 2);
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    // The poll every 15 minutes, and the digest at 09:00 America/Los_Angeles (the fixture config's "digest").
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
    template.resourceCountIs('AWS::Logs::QueryDefinition', 4);
    // A dashboard only when asked for (-c dashboard=true): $3 a month beyond the account's free three.
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  it('matches the reviewed template (asset hashes masked)', () => {
    expect(masked(template.toJSON())).toMatchSnapshot();
  });

  it("passes cdk-nag's AwsSolutions checks, each acknowledgement with a written reason", () => {
    // What `cdk synth` reports: the cloud assembly's validation report.
    const nag = awsSolutionsReport(synth.outdir);
    expect(nag.conclusion).toBe('success');
    expect(nag.violations).toEqual([]);
    expect(nag.suppressedViolations.map((v) => v.ruleName.replace(/\[.*\]$/, '')).sort()).toEqual([
      'AwsSolutions-IAM5',
      'AwsSolutions-L1',
      'AwsSolutions-L1',
      'AwsSolutions-SMG4',
      'AwsSolutions-SQS3',
    ]);
    for (const acknowledged of nag.suppressedViolations) expect(acknowledged.reason.length, acknowledged.acknowledgedAt).toBeGreaterThan(60);
  });

  it('outputs what a user needs next: table, topics, API URL, reader policy, poll function, credentials secret', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).filter((k) => !k.startsWith('CDK')).sort()).toEqual(['AlarmTopicArn', 'AlertTopicArn', 'ApiUrl', 'CredentialsSecretName', 'PollFunctionName', 'ReaderPolicyArn', 'TableName']);
    // The name without the six characters Secrets Manager appends to the ARN: what --secret-id takes.
    const secret = Object.keys(template.findResources('AWS::SecretsManager::Secret'))[0]!;
    expect(JSON.stringify(outputs.CredentialsSecretName!.Value)).toContain(`{"Ref":"${secret}"}`);
    expect(JSON.stringify(outputs.ApiUrl!.Value)).toContain('execute-api');
  });

  it('runs every function on Node.js 22, arm64, with the stack name as its logs\' service', () => {
    expect(functions()).toHaveLength(2);
    for (const [, fn] of functions()) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
      expect(fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe('Fanpulse');
    }
  });

  it('bundles each function as one minified ES module with its source map, the AWS SDK and the validated config', () => {
    for (const [, fn] of functions()) {
      const dir = join(synth.outdir, fn.Metadata['aws:asset:path']);
      expect(readdirSync(dir).sort()).toEqual(['fanpulse.config.json', 'index.mjs', 'index.mjs.map']);
      expect(readFileSync(join(dir, 'fanpulse.config.json'), 'utf8')).toBe(readFileSync(CONFIG, 'utf8'));
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      // The SDK is inside the bundle, not imported from the runtime.
      expect(code).not.toMatch(/from\s*"@aws-sdk\//);
      expect(code).toContain('ConditionalCheckFailedException');
      expect(statSync(join(dir, 'index.mjs')).size).toBeLessThan(3_000_000);
      expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    }
  });

  it('grants no wildcard action in any identity policy', () => {
    const wildcards = [...policyActions(template)].flatMap(([id, actions]) => actions.filter((a) => a.includes('*')).map((a) => `${id}: ${a}`));
    expect(wildcards).toEqual([]);
  });

  it('holds no customer managed key: the alert topic uses aws/sns, the alarm topic (alarm notices only) none', () => {
    template.resourceCountIs('AWS::KMS::Key', 0);
    const topics = Object.values(template.findResources('AWS::SNS::Topic')).map((t) => t.Properties);
    const keyOf = (t: { KmsMasterKeyId?: unknown }) => (t.KmsMasterKeyId === undefined ? null : JSON.stringify(t.KmsMasterKeyId).match(/alias\/aws\/sns/)?.[0]);
    expect(topics.map((t) => [t.DisplayName, keyOf(t)]).sort()).toEqual([
      ['fanpulse alarms', null],
      ['fanpulse alerts', 'alias/aws/sns'],
    ]);
  });

  it('publishes no custom metrics: no PutMetricData grant, and no embedded-metric-format writer in the poll bundle', () => {
    expect([...policyActions(template).values()].flat()).not.toContain('cloudwatch:PutMetricData');
    const [, poll] = functions().find(([id]) => id.startsWith('PollingFunction'))!;
    const code = readFileSync(join(synth.outdir, poll.Metadata['aws:asset:path'], 'index.mjs'), 'utf8');
    // Powertools' Metrics writes EMF records, keyed "_aws" with "CloudWatchMetrics".
    expect(code).not.toContain('CloudWatchMetrics');
  });

  it('alarms only on metrics AWS publishes, at most ten alarms, every one to the alarm topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.length).toBeLessThanOrEqual(10);
    expect(alarms.map((a) => `${a.Namespace} ${a.MetricName}`).sort()).toEqual([
      'AWS/ApiGateway 5xx',
      'AWS/Lambda Errors',
      'AWS/Lambda Invocations',
      'AWS/Lambda Throttles',
      'AWS/Lambda Throttles',
      'AWS/SQS ApproximateNumberOfMessagesVisible',
    ]);
    const alarmTopic = Object.entries(template.findResources('AWS::SNS::Topic')).find(([, t]) => t.Properties.DisplayName === 'fanpulse alarms')![0];
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: alarmTopic }]);
  });
});
