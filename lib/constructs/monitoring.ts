// Is the monitor working, and what is it seeing? Alarms that e-mail the alert topic when polling
// fails, is throttled, has stopped, or has left events in the dead-letter queue (or the API fails);
// and a dashboard of posts, petition mentions and sentiment per hour per topic, from the metrics
// the poll function publishes (lambdas/adapters/dashboard-metrics.ts).

import { Aws, Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
  TreatMissingData,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, PASS_METRICS, TOPIC_METRICS } from '../../lambdas/adapters/dashboard-metrics.ts';

export interface MonitoredTopic {
  readonly id: string;
  readonly name: string;
}

export interface MonitoringProps {
  /** Alarms notify it. */
  readonly alertTopic: ITopic;
  readonly pollFunction: IFunction;
  /** How often the schedule runs the poll function. */
  readonly pollRate: Duration;
  readonly deadLetterQueue: IQueue;
  readonly queryFunction: IFunction;
  readonly api: HttpApi;
  /** The config's topics: one row of charts each. */
  readonly topics: readonly MonitoredTopic[];
  /** The `service` dimension the functions publish metrics under (their POWERTOOLS_SERVICE_NAME). */
  readonly serviceName: string;
  /**
   * The dashboard's name.
   * @default - the stack's name
   */
  readonly dashboardName?: string;
}

export class Monitoring extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { pollFunction, queryFunction, pollRate } = props;
    const action = new SnsAction(props.alertTopic);
    const alarm = (alarmId: string, description: string, options: Omit<ConstructorParameters<typeof Alarm>[2], 'alarmDescription'>) => {
      const created = new Alarm(this, alarmId, { alarmDescription: description, ...options });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    alarm('PollErrors', 'A poll pass failed (usually the table): Lambda retries it; see the poll function logs.', {
      metric: pollFunction.metricErrors({ period: pollRate, statistic: Stats.SUM }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm('PollThrottles', 'The poll function was throttled: the account is out of concurrent executions.', {
      metric: pollFunction.metricThrottles({ period: pollRate, statistic: Stats.SUM }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    // No data at all is the symptom here (a disabled or broken schedule): missing counts as breaching.
    alarm('PollNotRunning', `No poll pass has started for two schedule periods (${2 * pollRate.toMinutes()} minutes).`, {
      metric: pollFunction.metricInvocations({ period: Duration.minutes(2 * pollRate.toMinutes()), statistic: Stats.SUM }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.BREACHING,
    });
    alarm('DeadLetters', 'A poll event failed every retry and is in the dead-letter queue; see the poll function logs.', {
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: Stats.MAXIMUM }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm('QueryThrottles', 'The query function was throttled: the account is out of concurrent executions.', {
      metric: queryFunction.metricThrottles({ period: Duration.minutes(5), statistic: Stats.SUM }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm('ApiServerErrors', 'The trends API answered 5xx (store unavailable or an internal error); see the query function logs.', {
      metric: props.api.metricServerError({ period: Duration.minutes(5), statistic: Stats.SUM }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? Stack.of(this).stackName,
      defaultInterval: Duration.days(7),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# fanpulse\nPer topic and hour: posts, petition mentions and net sentiment ((positive − negative) / posts), as `fanpulse trends` counts them ' +
          '(the last 24 hours are refreshed every pass). Below: the monitor itself.',
        width: 24,
        height: 2,
      }),
    );
    for (const topic of props.topics) this.dashboard.addWidgets(...topicWidgets(topic, props.serviceName));
    this.dashboard.addWidgets(...operationsWidgets(props, this.alarms));
  }

  /** The dashboard in the console. */
  get dashboardUrl(): string {
    return `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${this.dashboard.dashboardName}`;
  }
}

/**
 * A bucket's totals are re-published, timestamped at the start of its hour, until the hour is a day
 * old, and only grow: the hourly Maximum is the bucket's final count.
 */
function topicMetric(name: string, topicId: string, serviceName: string, label: string): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: serviceName, topic: topicId },
    statistic: Stats.MAXIMUM,
    period: Duration.hours(1),
    label,
  });
}

function topicWidgets(topic: MonitoredTopic, serviceName: string): IWidget[] {
  const posts = topicMetric(TOPIC_METRICS.posts, topic.id, serviceName, 'posts');
  const petition = topicMetric(TOPIC_METRICS.petitionMentions, topic.id, serviceName, 'petition mentions');
  const positive = topicMetric(TOPIC_METRICS.positive, topic.id, serviceName, 'positive');
  const negative = topicMetric(TOPIC_METRICS.negative, topic.id, serviceName, 'negative');
  return [
    new GraphWidget({ title: `${topic.name}: posts and petition mentions per hour`, left: [posts, petition], width: 12, height: 6, leftYAxis: { min: 0 } }),
    new GraphWidget({
      title: `${topic.name}: net sentiment per hour`,
      left: [
        new MathExpression({
          expression: '(positive - negative) / posts',
          usingMetrics: { positive, negative, posts },
          period: Duration.hours(1),
          label: '(positive − negative) / posts',
        }),
      ],
      leftYAxis: { min: -1, max: 1 },
      width: 12,
      height: 6,
    }),
  ];
}

function operationsWidgets(props: MonitoringProps, alarms: readonly Alarm[]): IWidget[] {
  const passMetric = (name: string, label: string) =>
    new Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service: props.serviceName }, statistic: Stats.SUM, period: Duration.hours(1), label });
  return [
    new AlarmStatusWidget({ title: 'Alarms', alarms: [...alarms], width: 24, height: 3 }),
    new GraphWidget({
      title: 'Poll passes',
      left: [props.pollFunction.metricInvocations({ label: 'invocations' }), props.pollFunction.metricErrors({ label: 'errors' })],
      right: [props.pollFunction.metricDuration({ statistic: Stats.MAXIMUM, label: 'max duration' })],
      width: 8,
      height: 6,
    }),
    new GraphWidget({
      title: 'New posts and failing sources per hour',
      left: [passMetric(PASS_METRICS.newPosts, 'new posts')],
      right: [passMetric(PASS_METRICS.sourcesFailed, 'source failures')],
      width: 8,
      height: 6,
    }),
    new GraphWidget({
      title: 'Trends API',
      left: [props.api.metricCount({ label: 'requests' }), props.api.metricClientError({ label: '4xx' }), props.api.metricServerError({ label: '5xx' })],
      right: [props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'dead letters' })],
      width: 8,
      height: 6,
    }),
  ];
}
