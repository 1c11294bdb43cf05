// The monitor's heartbeat: EventBridge Scheduler invokes the poll function every `rate`; the function
// runs one pass over every source (lambdas/handlers/poll.ts). Events that still fail after Lambda's
// retries, or that the scheduler could not deliver, land in a dead-letter queue.
//
// Overlap is handled by the pass lock in the store, not by reserved concurrency: a slow pass and
// the next schedule (or a retry) run one at a time, the second is skipped, and counts stay exact.
// Reserving concurrency would also fail to deploy on new accounts, whose whole-account limit of 10
// concurrent executions leaves nothing to reserve.

import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Alerting } from './alerting.ts';
import type { Credentials } from './credentials.ts';
import { isAbsolute, relative } from 'node:path';
import { BUNDLED_CONFIG, HouseFunction, PROJECT_ROOT, TASK_ROOT, useTable, type HouseFunctionProps } from './node-function.ts';

/**
 * A pass's budget. Shorter than the pass lock's lease, so a live pass never loses its lock to the
 * next one; long enough for every source to time out once (poll.timeoutMs is at most 2 minutes).
 */
export const POLL_TIMEOUT = Duration.minutes(5);

export interface PollingProps {
  readonly table: ITable;
  readonly alerting: Alerting;
  /**
   * The sources' keys and logins, read by the function at a cold start.
   * @default - none: sources that need a key show needs-credentials
   */
  readonly credentials?: Credentials;
  /** The validated monitor config (absolute path), bundled with the function. */
  readonly configFile: string;
  /**
   * How often a pass runs.
   * @default Duration.minutes(15)
   */
  readonly rate?: Duration;
  /**
   * The dashboard's address, linked from every alert e-mail (a public query API's URL).
   * @default - no link (the IAM-authorised API has no page a mail reader could open)
   */
  readonly pageUrl?: string;
  /**
   * Memory of the poll function, in MB.
   * @default 512
   */
  readonly memorySize?: number;
}

/** What a pass function states of its own (Polling.passFunction). */
export interface PassFunctionProps extends Pick<HouseFunctionProps, 'entry' | 'description'> {
  /**
   * Memory in MB.
   * @default 512
   */
  readonly memorySize?: number | undefined;
}

export class Polling extends Construct {
  readonly function: HouseFunction;
  readonly schedule: Schedule;
  readonly deadLetterQueue: Queue;
  readonly rate: Duration;
  /** The role EventBridge Scheduler invokes the function with (the digest schedule uses it too). */
  readonly schedulerRole: Role;
  private readonly props: PollingProps;

  constructor(scope: Construct, id: string, props: PollingProps) {
    super(scope, id);
    this.props = props;
    this.rate = props.rate ?? Duration.minutes(15);

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue: the poll function\'s on-failure destination and the schedule\'s DLQ. cdk-nag only recognises DLQs named in a redrive policy.',
    });

    this.function = this.passFunction(this, 'Function', {
      entry: 'lambdas/handlers/poll.ts',
      description: 'fanpulse: one poll pass over every source (fetch, score, store, detect, alert)',
      memorySize: props.memorySize,
    });

    // A failed pass is retried (every pass is idempotent) until the next one is due; after that,
    // running it adds nothing the next pass would not do.
    const maxEventAge = Duration.seconds(Math.min(Math.max(this.rate.toSeconds(), 60), 6 * 3600));
    this.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    // The scheduler's own role (LambdaInvoke would make one at stack level), so its one finding is
    // acknowledged here, next to the reason.
    const schedulerRole = (this.schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      description: 'EventBridge Scheduler: invoke the fanpulse poll function, or park the event in its dead-letter queue',
    }));
    const functionLogicalId = Stack.of(this).resolve((this.function.node.defaultChild as CfnFunction).logicalId) as string;
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      reason: "lambda:InvokeFunction on '<poll function ARN>:*' covers only the poll function's own versions and aliases (Function.grantInvoke adds it).",
    });

    this.schedule = new Schedule(this, 'Schedule', {
      description: `fanpulse: a poll pass every ${this.rate.toMinutes()} minutes`,
      schedule: ScheduleExpression.rate(this.rate),
      target: new LambdaInvoke(this.function, {
        role: schedulerRole,
        input: ScheduleTargetInput.fromObject({
          source: 'fanpulse.schedule',
          scheduledTime: ContextAttribute.scheduledTime,
          executionId: ContextAttribute.executionId,
        }),
        // Only for events the scheduler cannot hand to Lambda at all (throttled, deleted function).
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge,
      }),
    });
  }

  /**
   * A function that does a pass's work (the poll function, the fan-out's worker): POLL_TIMEOUT, the
   * bundled config and the pass's environment, and what a pass touches granted with the environment
   * naming each (the table, the alert topic, the credentials).
   */
  passFunction(scope: Construct, id: string, props: PassFunctionProps): HouseFunction {
    const fn = new HouseFunction(scope, id, {
      entry: props.entry,
      description: props.description,
      timeout: POLL_TIMEOUT,
      memorySize: props.memorySize ?? 512,
      bundledFiles: { [BUNDLED_CONFIG]: this.props.configFile },
      environment: {
        FANPULSE_CONFIG_FILE: `${TASK_ROOT}/${BUNDLED_CONFIG}`,
        // The config as the deployer names it, for the commands an alert quotes (the bundled path means nothing on a laptop).
        FANPULSE_CONFIG_SOURCE: configSource(this.props.configFile),
        FANPULSE_TOPIC_ARN: this.props.alerting.topic.topicArn,
        ...(this.props.pageUrl ? { FANPULSE_PAGE_URL: this.props.pageUrl } : {}),
      },
    });
    useTable(fn, this.props.table, 'read-write');
    this.props.alerting.grantPublish(fn);
    this.props.credentials?.passTo(fn);
    return fn;
  }
}

/** The config's path relative to the project when it lies inside it (where `npx fanpulse` runs), else as given. */
function configSource(configFile: string): string {
  const inProject = relative(PROJECT_ROOT, configFile);
  return inProject && !inProject.startsWith('..') && !isAbsolute(inProject) ? inProject : configFile;
}
