// Deploy-time context (-c alertEmail=…, config=…, pollRate=…, publicApi=…): validated before
// anything is built, with the CLI's own messages for a bad config.

import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambdas/config/load.ts';
import { ConfigError } from '../../lambdas/core/errors.ts';
import { PROJECT_ROOT } from '../../lib/constructs/node-function.ts';
import { readDeploySettings, SHIPPED_CONFIG } from '../../lib/deploy-settings.ts';
import { synthFanpulse } from '../helpers/cdk.ts';

const run = promisify(execFile);
const context = (values: Record<string, unknown>) => ({ tryGetContext: (key: string) => values[key] });
let dir: string;
let badConfig: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fanpulse-deploy-'));
  badConfig = join(dir, 'bad.json');
  await writeFile(
    badConfig,
    JSON.stringify({ topics: [{ id: 'show', keywords: ['bosch legacy'] }], sources: [{ id: 'feed', type: 'rss', url: 'ftp://example.org/feed', topics: ['shows'] }] }),
  );
});

describe('readDeploySettings', () => {
  it('defaults to the shipped config, its poll interval, an IAM-authorised API, a retained table and no dashboard', async () => {
    const settings = await readDeploySettings(context({}));
    expect(settings).toMatchObject({ stackName: 'Fanpulse', alertEmails: [], configFile: SHIPPED_CONFIG, publicApi: false, retainData: true, dashboard: false });
    expect(settings.config).toEqual(await loadConfig(SHIPPED_CONFIG));
    expect(settings.pollRateMinutes).toBe(settings.config.poll.intervalMinutes);
    expect(settings.pollRateMinutes).toBe(15);
  });

  it('takes one or more comma-separated alert addresses, and the other choices as -c gives them (strings)', async () => {
    const settings = await readDeploySettings(
      context({ alertEmail: ' organiser@example.org, team@example.org ', pollRate: '5', publicApi: 'true', retainData: 'false', stackName: 'FanpulseBallard', dashboard: 'true' }),
    );
    expect(settings).toMatchObject({
      dashboard: true,
      alertEmails: ['organiser@example.org', 'team@example.org'],
      pollRateMinutes: 5,
      publicApi: true,
      retainData: false,
      stackName: 'FanpulseBallard',
    });
  });

  it.each([
    [{ alertEmail: 'ops@example.org,not-an-address' }, /alertEmail\[1\]: each address must be an e-mail address such as ops@example.org/],
    [{ pollRate: 'often' }, /pollRate: must be a whole number of minutes/],
    [{ pollRate: '0' }, /pollRate: must be at least 1 minute/],
    [{ pollRate: '1440' }, /pollRate: must be at most 720 minutes/],
    [{ publicApi: 'yes' }, /publicApi: publicApi must be true or false/],
    [{ dashboard: 'maybe' }, /dashboard: dashboard must be true or false/],
    [{ stackName: 'my stack' }, /stackName: must start with a letter/],
  ])('rejects %o, naming the context key', async (values, message) => {
    const attempt = readDeploySettings(context(values));
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('rejects a bad config with the message the CLI gives for it', async () => {
    const cliMessage = await loadConfig(badConfig).then(
      () => '',
      (error: Error) => error.message,
    );
    expect(cliMessage).toContain('sources[0].url: must be a full http(s) URL');
    await expect(readDeploySettings(context({ config: badConfig }))).rejects.toThrow(cliMessage);
  });
});

describe('cdk synth', () => {
  it('fails on a bad config with the same field-naming lines `fanpulse` prints, and no stack trace', async () => {
    const synth = run('npx', ['cdk', 'synth', '--no-notices', '-c', `config=${badConfig}`, '-c', 'alertEmail=ops@example.com'], { cwd: PROJECT_ROOT }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    const cli = run(process.execPath, ['bin/fanpulse.mjs', 'sources', '--config', badConfig], { cwd: PROJECT_ROOT }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    const [synthFailure, cliFailure] = await Promise.all([synth, cli]);
    expect(synthFailure?.code).toBe(1);
    expect(cliFailure?.code).toBe(2);
    const issues = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('  - '));
    expect(issues(synthFailure!.stderr)).toEqual([
      '  - sources[0].url: must be a full http(s) URL, e.g. "https://example.com/feed.xml"',
      '  - sources[0].topics[0]: unknown topic "shows": use one of the ids in "topics" (show)',
    ]);
    expect(issues(synthFailure!.stderr)).toEqual(issues(cliFailure!.stderr));
    expect(synthFailure!.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 60_000);

  it('builds what the context asks for: two addresses on both topics, a public API, a 5-minute schedule, a deletable table, a dashboard', async () => {
    const { template } = await synthFanpulse({
      alertEmail: 'organiser@example.org,team@example.org',
      publicApi: 'true',
      pollRate: '5',
      retainData: 'false',
      stackName: 'FanpulseBallard',
      dashboard: 'true',
      config: join(PROJECT_ROOT, 'test/fixtures/deploy/fanpulse.config.json'),
    });
    // Each address on the alert topic and on the alarm topic.
    template.resourceCountIs('AWS::SNS::Subscription', 4);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'FanpulseBallard' });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'team@example.org' });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(5 minutes)' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Invocations', Period: 600 });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { AuthorizationType: 'NONE' });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'FanpulseBallard' } } });
  }, 120_000);
});
