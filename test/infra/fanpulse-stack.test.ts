// The whole app as `npx cdk synth -c alertEmail=…` builds it: bundled with the local esbuild (no
// Docker), checked by CDK's template validation and cdk-nag, with no AWS credentials.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/constructs/node-function.ts';
import { policyActions, synthFanpulse } from '../helpers/cdk.ts';

const CONFIG = join(PROJECT_ROOT, 'test/fixtures/deploy/fanpulse.config.json');
let synth: Awaited<ReturnType<typeof synthFanpulse>>;
let template: Template;

beforeAll(async () => {
  for (const variable of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_SESSION_TOKEN']) delete process.env[variable];
  synth = await synthFanpulse({ alertEmail: 'ops@example.com', config: CONFIG });
  template = synth.template;
}, 120_000);

const functions = () => Object.entries(template.findResources('AWS::Lambda::Function'));

/** Asset hashes change with every code change; the template around them must not. */
const masked = (value: unknown) => JSON.parse(JSON.stringify(value).replace(/[0-9a-f]{64}/g, '[asset hash]'));

describe('FanpulseStack', () => {
  it('composes storage, alerting, credentials, polling, the query API and monitoring', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 1);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    // The poll every 15 minutes, and the digest at 09:00 America/Los_Angeles (the fixture config's "digest").
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('matches the reviewed template (asset hashes masked)', () => {
    expect(masked(template.toJSON())).toMatchSnapshot();
  });

  it("passes cdk-nag's AwsSolutions checks, each acknowledgement with a written reason", () => {
    // What `cdk synth` reports: the cloud assembly's validation report.
    const report = JSON.parse(readFileSync(join(synth.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; conclusion: string; violations: unknown[]; suppressedViolations: { ruleName: string; reason: string; acknowledgedAt: string }[] }[];
    };
    const nag = report.pluginReports.find((p) => p.pluginName === 'AwsSolutions')!;
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

  it('outputs what a user needs next: table, topic, API URL, dashboard URL, reader policy, poll function, credentials secret', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).filter((k) => !k.startsWith('CDK')).sort()).toEqual(['AlertTopicArn', 'ApiUrl', 'CredentialsSecretName', 'DashboardUrl', 'PollFunctionName', 'ReaderPolicyArn', 'TableName']);
    // The name without the six characters Secrets Manager appends to the ARN: what --secret-id takes.
    const secret = Object.keys(template.findResources('AWS::SecretsManager::Secret'))[0]!;
    expect(JSON.stringify(outputs.CredentialsSecretName!.Value)).toContain(`{"Ref":"${secret}"}`);
    expect(JSON.stringify(outputs.DashboardUrl!.Value)).toContain('.console.aws.amazon.com/cloudwatch/home?region=');
    expect(JSON.stringify(outputs.ApiUrl!.Value)).toContain('execute-api');
  });

  it('runs every function on Node.js 22, arm64, with the stack name as its metrics service', () => {
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

  it('charts every configured topic on the dashboard', () => {
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody);
    expect(body).toContain('Bosch: Legacy: posts and petition mentions per hour');
    expect(body).toContain('Ballard: net sentiment per hour');
  });
});
