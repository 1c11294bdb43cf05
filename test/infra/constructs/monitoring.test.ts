import { Duration } from 'aws-cdk-lib';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { Monitoring } from '../../../lib/constructs/monitoring.ts';
import { constructStack } from '../../helpers/cdk.ts';

function monitoring(pollRate = Duration.minutes(15)) {
  const stack = constructStack();
  new Monitoring(stack, 'Monitoring', {
    alertTopic: new Topic(stack, 'Alerts'),
    pollFunction: LambdaFunction.fromFunctionName(stack, 'Poll', 'fanpulse-poll'),
    pollRate,
    deadLetterQueue: new Queue(stack, 'DeadLetters'),
    queryFunction: LambdaFunction.fromFunctionName(stack, 'Query', 'fanpulse-query'),
    api: new HttpApi(stack, 'Api'),
    topics: [
      { id: 'bosch-legacy', name: 'Bosch: Legacy' },
      { id: 'ballard', name: 'Ballard' },
    ],
    serviceName: 'Fanpulse',
  });
  return Template.fromStack(stack);
}

const template = monitoring();
const alarm = (id: string) => Object.entries(template.findResources('AWS::CloudWatch::Alarm')).find(([logicalId]) => logicalId.startsWith(`Monitoring${id}`))![1].Properties;

describe('Monitoring', () => {
  it('e-mails the alert topic from every alarm', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(6);
    for (const { Properties } of alarms) expect(Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }]);
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

  it('charts posts, petition mentions and net sentiment per hour for each topic', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const topic of ['bosch-legacy', 'ballard']) {
      for (const metric of ['Posts', 'PetitionMentions', 'PositivePosts', 'NegativePosts']) {
        expect(body).toContain(`[\\"Fanpulse\\",\\"${metric}\\",\\"service\\",\\"Fanpulse\\",\\"topic\\",\\"${topic}\\"`);
      }
    }
    expect(body).toContain('Bosch: Legacy: posts and petition mentions per hour');
    expect(body).toContain('(positive - negative) / posts');
    expect(body.match(/\\"period\\":3600/g)?.length).toBeGreaterThanOrEqual(8);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: Match.anyValue() });
  });
});
