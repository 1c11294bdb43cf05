// Is the monitor working, and what is it seeing? Alarms on the functions' and the queue's built-in
// metrics, which e-mail the alarm topic when polling fails, is throttled, has stopped, or has left
// events in the dead-letter queue (or the API fails); Logs Insights queries saved over the poll
// function's structured pass logs (lambdas/adapters/pass-log.ts): which sources fail and why, what
// each reads, new posts per hour; and, when asked for, a dashboard of both.
//
// Nothing here publishes custom metrics ($0.30 a month each): alarms read metrics AWS publishes for
// free, the queries read logs the function writes anyway (Logs Insights bills $0.005 per GB scanned,
// and a month of pass logs is a few MB). The per-topic trends themselves are the table's, read by
// `fanpulse trends`, the API and its page, exactly.

import { Aws, Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  LogQueryVisualizationType,
  LogQueryWidget,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { QueryDefinition, QueryString, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PASS_LOG_EVENTS } from '../../lambdas/adapters/pass-log.ts';

const sourceLines = `event = "${PASS_LOG_EVENTS.source}"`;
const passLines = `event = "${PASS_LOG_EVENTS.pass}"`;

/** The saved queries over the pass logs (and the dashboard's log widgets), by name. */
export const PASS_QUERIES = {
  'failing sources': new QueryString({
    fields: ['@timestamp', 'source', 'failureKind', 'error'],
    filterStatements: [sourceLines, 'outcome = "failed"'],
    sort: '@timestamp desc',
    limit: 100,
  }),
  'failures by source and kind': new QueryString({
    filterStatements: [sourceLines, 'outcome = "failed"'],
    statsStatements: ['count(*) as failures, latest(error) as lastError by source, failureKind'],
    sort: 'failures desc',
  }),
  'what each source reads': new QueryString({
    filterStatements: [sourceLines],
    statsStatements: ['count(*) as polls, sum(items) as items, sum(matched) as matched, sum(unreadable) as unreadable, latest(outcome) as lastOutcome by source'],
    sort: 'source asc',
  }),
  'new posts and failures per hour': new QueryString({
    filterStatements: [passLines],
    statsStatements: ['sum(newPosts) as newPosts, sum(sourcesFailed) as sourceFailures, sum(alertsRaised) as alerts by bin(1h)'],
  }),
} as const;

export interface MonitoringProps {
  /** Alarms notify it (not the alert topic: see lib/constructs/alerting.ts). */
  readonly alarmTopic: ITopic;
  readonly pollFunction: IFunction;
  /** The poll function's log group: the pass logs the queries read. */
  readonly pollLogGroup: ILogGroup;
  /** How often the schedule runs the poll function. */
  readonly pollRate: Duration;
  readonly deadLetterQueue: IQueue;
  /**
   * A fanned-out pass's workers (lib/constructs/fan-out.ts): their pass logs join the queries, and
   * batches in their dead-letter queue alarm.
   * @default - no fan-out
   */
  readonly fanOut?: { readonly worker: IFunction & { readonly logGroup: ILogGroup }; readonly deadLetterQueue: IQueue } | undefined;
  readonly queryFunction: IFunction;
  readonly api: HttpApi;
  /**
   * A CloudWatch dashboard of the alarms, the functions and the pass logs' queries. Free within an
   * account's three always-free dashboards, else $3 a month: more than the rest of the stack.
   * @default false - the saved queries and the alarms only
   */
  readonly dashboard?: boolean;
  /**
   * The dashboard's name, and the folder of the saved queries.
   * @default - the stack's name
   */
  readonly dashboardName?: string;
}

export class Monitoring extends Construct {
  readonly alarms: Alarm[] = [];
  readonly queries: QueryDefinition[] = [];
  readonly dashboard: Dashboard | undefined;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { pollFunction, queryFunction, pollRate } = props;
    const action = new SnsAction(props.alarmTopic);
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
    if (props.fanOut) {
      alarm('DeadBatches', 'A batch of a fanned-out pass failed every attempt and is in the batch dead-letter queue; see the worker function logs.', {
        metric: props.fanOut.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: Stats.MAXIMUM }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }
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

    const name = props.dashboardName ?? Stack.of(this).stackName;
    // A fanned-out pass's source lines are its workers'.
    const passLogGroups = [props.pollLogGroup, ...(props.fanOut ? [props.fanOut.worker.logGroup] : [])];
    for (const [queryName, queryString] of Object.entries(PASS_QUERIES)) {
      this.queries.push(new QueryDefinition(this, `Query${this.queries.length}`, { queryDefinitionName: `${name}/${queryName}`, queryString, logGroups: passLogGroups }));
    }

    if (!props.dashboard) return;
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: name, defaultInterval: Duration.days(7) });
    const logs = (title: string, queryName: keyof typeof PASS_QUERIES, view: LogQueryVisualizationType, width: number) =>
      new LogQueryWidget({ title, logGroupNames: passLogGroups.map((group) => group.logGroupName), queryString: PASS_QUERIES[queryName].toString(), view, width, height: 6 });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# fanpulse\nThe monitor itself: alarms, passes, what each source reads and why one fails (from the pass logs). ' +
          'The trends per topic are the table\'s: `fanpulse trends`, the API and its page.',
        width: 24,
        height: 2,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarms], width: 24, height: 3 }),
      new GraphWidget({
        title: 'Poll passes',
        left: [pollFunction.metricInvocations({ label: 'invocations' }), pollFunction.metricErrors({ label: 'errors' })],
        right: [pollFunction.metricDuration({ statistic: Stats.MAXIMUM, label: 'max duration' })],
        width: 8,
        height: 6,
      }),
      logs('New posts, source failures and alerts per hour', 'new posts and failures per hour', LogQueryVisualizationType.LINE, 8),
      new GraphWidget({
        title: 'Trends API',
        left: [props.api.metricCount({ label: 'requests' }), props.api.metricClientError({ label: '4xx' }), props.api.metricServerError({ label: '5xx' })],
        right: [props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'dead letters' })],
        width: 8,
        height: 6,
      }),
      logs('Failing sources, by kind', 'failures by source and kind', LogQueryVisualizationType.TABLE, 12),
      logs('What each source reads', 'what each source reads', LogQueryVisualizationType.TABLE, 12),
    );
  }

  /** The dashboard in the console, when there is one. */
  get dashboardUrl(): string | undefined {
    return this.dashboard && `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${this.dashboard.dashboardName}`;
  }
}
