// The daily digest's clock: an EventBridge Scheduler schedule at the configured hour in the
// campaign's time zone (Scheduler applies the zone's DST rules, so 09:00 stays 09:00), invoking the
// poll function with { "digest": true }. Every pass sends the digests that are due, so this run
// only makes them punctual: if it is skipped (a pass holds the lock) or fails, Lambda's retry or the
// next scheduled pass sends them, still once per channel (lambdas/core/digest-delivery.ts).

import { Duration, TimeZone } from 'aws-cdk-lib';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DigestSchedule as DigestTime } from '../../lambdas/config/digest-schema.ts';

export interface DigestScheduleProps {
  /** The poll function (lib/constructs/polling.ts). */
  readonly pollFunction: IFunction;
  /** The role the scheduler invokes it with (the poll schedule's). */
  readonly schedulerRole: IRole;
  /** Where an event the scheduler cannot hand to Lambda goes (the poll function's dead-letter queue). */
  readonly deadLetterQueue: IQueue;
  /** The digest's hour and IANA time zone, from the validated config (digestSchedule()). */
  readonly time: DigestTime;
}

export class DigestSchedule extends Construct {
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: DigestScheduleProps) {
    super(scope, id);
    const { hour, timeZone } = props.time;
    this.schedule = new Schedule(this, 'Schedule', {
      description: `fanpulse: the daily digest at ${String(hour).padStart(2, '0')}:00 ${timeZone}`,
      schedule: ScheduleExpression.cron({ minute: '0', hour: String(hour), timeZone: TimeZone.of(timeZone) }),
      target: new LambdaInvoke(props.pollFunction, {
        role: props.schedulerRole,
        // The execution id, as the poll schedule's: a retry of a pass that fanned out finds the pass it planned.
        input: ScheduleTargetInput.fromObject({ source: 'fanpulse.digest', digest: true, scheduledTime: ContextAttribute.scheduledTime, executionId: ContextAttribute.executionId }),
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 2,
        // Past an hour the regular passes have sent the digest anyway.
        maxEventAge: Duration.hours(1),
      }),
    });
  }
}
