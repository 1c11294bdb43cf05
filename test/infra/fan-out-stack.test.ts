// The whole app for a campaign with more sources than one invocation polls: the stack adds the
// fan-out (batch queue, its dead-letter queue, the worker and one alarm) and still passes cdk-nag,
// within the ten always-free alarms, on AWS metrics only. A small campaign's stack has none of it
// (test/infra/fanpulse-stack.test.ts).

import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/constructs/node-function.ts';
import { awsSolutionsReport, synthFanpulse } from '../helpers/cdk.ts';

let synth: Awaited<ReturnType<typeof synthFanpulse>>;

beforeAll(async () => {
  for (const variable of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_SESSION_TOKEN']) delete process.env[variable];
  const fixture = JSON.parse(await readFile(join(PROJECT_ROOT, 'test/fixtures/deploy/fanpulse.config.json'), 'utf8'));
  // Its two sources, one an invocation: two batches.
  const config = join(await mkdtemp(join(tmpdir(), 'fanpulse-fan-out-')), 'fanpulse.config.json');
  await writeFile(config, JSON.stringify({ ...fixture, poll: { sourcesPerInvocation: 1 } }));
  synth = await synthFanpulse({ alertEmail: 'ops@example.com', config });
}, 600_000);

describe('FanpulseStack with a fan-out', () => {
  it('adds the batch queue, its dead-letter queue and the worker, bundled like the poll function', () => {
    const { template } = synth;
    template.resourceCountIs('AWS::Lambda::Function', 3);
    template.resourceCountIs('AWS::SQS::Queue', 3);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    const [, worker] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('FanOutWorker'))!;
    const dir = join(synth.outdir, worker.Metadata['aws:asset:path']);
    expect(readdirSync(dir).sort()).toEqual(['fanpulse.config.json', 'index.mjs', 'index.mjs.map']);
    expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).not.toMatch(/from\s*"@aws-sdk\//);
  });

  it("passes cdk-nag's AwsSolutions checks, acknowledging nothing new but the worker's runtime", () => {
    const nag = awsSolutionsReport(synth.outdir);
    expect(nag.conclusion).toBe('success');
    expect(nag.violations).toEqual([]);
    expect(nag.suppressedViolations.map((v) => v.ruleName.replace(/\[.*\]$/, '')).sort()).toEqual([
      'AwsSolutions-IAM5',
      'AwsSolutions-L1',
      'AwsSolutions-L1',
      'AwsSolutions-L1',
      'AwsSolutions-SMG4',
      'AwsSolutions-SQS3',
    ]);
    for (const acknowledged of nag.suppressedViolations) expect(acknowledged.reason.length).toBeGreaterThan(60);
  });

  it('alarms on batches in the dead-letter queue, on AWS metrics only, seven alarms of the ten free', () => {
    const alarms = Object.values(synth.template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.length).toBeLessThanOrEqual(10);
    expect(alarms.map((a) => `${a.Namespace} ${a.MetricName}`).sort()).toEqual([
      'AWS/ApiGateway 5xx',
      'AWS/Lambda Errors',
      'AWS/Lambda Invocations',
      'AWS/Lambda Throttles',
      'AWS/Lambda Throttles',
      'AWS/SQS ApproximateNumberOfMessagesVisible',
      'AWS/SQS ApproximateNumberOfMessagesVisible',
    ]);
    const dead = Object.keys(synth.template.findResources('AWS::SQS::Queue')).find((id) => id.startsWith('FanOutDeadBatches'))!;
    expect(alarms.some((a) => JSON.stringify(a.Dimensions).includes(dead))).toBe(true);
  });

  it("points the saved pass-log queries at the workers' logs too", () => {
    for (const query of Object.values(synth.template.findResources('AWS::Logs::QueryDefinition'))) {
      expect(JSON.stringify(query.Properties.LogGroupNames)).toMatch(/FanOutWorkerLogs/);
    }
  });
});
