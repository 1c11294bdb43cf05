import { Duration } from 'aws-cdk-lib';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { PASS_LOG_EVENTS } from '../../../lambdas/adapters/pass-log.ts';
import { Monitoring, PASS_QUERIES } from '../../../lib/constructs/monitoring.ts';
import { constructStack } from '../../helpers/cdk.ts';

function monitoring(pollRate = Duration.minutes(15), dashboard = false) {
  const stack = constructStack();
  new Monitoring(stack, 'Monitoring', {
    alarmTopic: new Topic(stack, 'Alarms'),
    pollFunction: LambdaFunction.fromFunctionName(stack, 'Poll', 'fanpulse-poll'),
    pollLogGroup: new LogGroup(stack, 'PollLogs'),
    pollRate,
    deadLetterQueue: new Queue(stack, 'DeadLetters'),
    queryFunction: LambdaFunction.fromFunctionName(stack, 'Query', 'fanpulse-query'),
    api: new HttpApi(stack, 'Api'),
    dashboard,
    dashboardName: 'Fanpulse',
  });
  return Template.fromStack(stack);
}

const template = monitoring();
const alarm = (id: string) => Object.entries(template.findResources('AWS::CloudWatch::Alarm')).find(([logicalId]) => logicalId.startsWith(`Monitoring${id}`))![1].Properties;

describe('Monitoring', () => {
  it('e-mails the alarm topic from every alarm', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(6);
    for (const { Properties } of alarms) expect(Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alarms/) }]);
  });

  it('alarms on any poll error or throttle within a schedule period', () => {
    expect(alarm('PollErrors')).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Period: 900, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(JSON.stringify(alarm('PollErrors').Dimensions)).toContain('fanpulse-poll');
    expect(alarm('PollThrottles')).toMatchObject({ MetricName: 'Throttles', Period: 900, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(alarm('QueryThrottles')).toMatchObject({ MetricName: 'Throttles' });
    expect(JSON.stringify(alarm('QueryThrottles').Dimensions)).toContain('fanpulse-query');
  });

  it('alarms when no pass has started for two schedule periods, counting silence as breaching', () => {
    expect(alarm('PollNotRunning')).toMatchObject({ MetricName: 'Invocations', Statistic: 'Sum', Period: 1800, Threshold: 1, ComparisonOperator: 'LessThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'breaching' });
    const hourly = monitoring(Duration.minutes(60));
    hourly.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Invocations', Period: 7200 });
  });

  it('alarms on any message in the dead-letter queue and on API 5xx answers', () => {
    expect(alarm('DeadLetters')).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Maximum', Threshold: 1 });
    expect(alarm('ApiServerErrors')).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5xx', Threshold: 1 });
  });

  it('saves the pass-log queries over the poll function\'s log group, filtering on the fields the handler logs', () => {
    const queries = Object.values(template.findResources('AWS::Logs::QueryDefinition')).map((q) => q.Properties);
    expect(queries.map((q) => q.Name).sort()).toEqual(Object.keys(PASS_QUERIES).map((name) => `Fanpulse/${name}`).sort());
    for (const query of queries) expect(query.LogGroupNames).toEqual([{ Ref: expect.stringMatching(/^PollLogs/) }]);
    const byName = new Map(queries.map((q) => [q.Name, String(q.QueryString)]));
    expect(byName.get('Fanpulse/failing sources')).toBe(
      `fields @timestamp, source, failureKind, error\n| filter event = "${PASS_LOG_EVENTS.source}"\n| filter outcome = "failed"\n| sort @timestamp desc\n| limit 100`,
    );
    expect(byName.get('Fanpulse/new posts and failures per hour')).toContain(`filter event = "${PASS_LOG_EVENTS.pass}"`);
    expect(byName.get('Fanpulse/new posts and failures per hour')).toContain('sum(newPosts) as newPosts, sum(sourcesFailed) as sourceFailures, sum(alertsRaised) as alerts by bin(1h)');
  });

  it('has no dashboard unless asked, and then charts the alarms, the passes and the pass-log queries, with no custom metric', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    const withDashboard = monitoring(Duration.minutes(15), true);
    const [dashboard] = Object.values(withDashboard.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    expect(body).toContain('What each source reads');
    expect(body).toContain('Failing sources, by kind');
    expect(body).toContain(`SOURCE '`);
    expect(body).toContain('AWS/Lambda');
    // Only AWS's own namespaces: nothing the functions would have to publish.
    expect(body).not.toMatch(/\\"Fanpulse\\",\\"/);
    withDashboard.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Fanpulse' });
  });
});
