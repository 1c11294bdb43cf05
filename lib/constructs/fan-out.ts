// A pass beyond one Lambda, for a campaign with more sources than one invocation polls
// (poll.sourcesPerInvocation; the stack adds this construct only then, so a small campaign keeps
// the one function and its cost). The poll function plans: it queues the pass's batches here and
// returns; the worker function takes them one at a time from the queue (lambdas/handlers/poll-batch.ts),
// and the worker that stores the last batch finishes the pass (lambdas/core/fan-out.ts).
//
// The timings hold the pass lock's guarantees: a worker renews the pass lock's lease (PASS_LEASE_MS)
// when it starts and runs at most POLL_TIMEOUT; a batch whose worker crashed comes back after the
// visibility timeout, longer than a worker runs (and than a finish's claim, so a crashed finisher's
// message can take the finish back) and shorter than the lease, so its pass still holds the lock; after three failed attempts it is parked in the dead-letter queue, which alarms
// (lib/constructs/monitoring.ts).

import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HouseFunction } from './node-function.ts';
import { POLL_TIMEOUT, type Polling } from './polling.ts';

/** How long a batch stays invisible once a worker took it: one worker's run and a minute. */
export const BATCH_VISIBILITY = POLL_TIMEOUT.plus(Duration.minutes(1));
/** Attempts at a batch before it goes to the dead-letter queue. */
export const BATCH_ATTEMPTS = 3;

export interface FanOutProps {
  /** The poll function (the planner) and how a pass's functions are built and granted. */
  readonly polling: Polling;
  /**
   * Workers at once. New accounts may run 10 functions at once in all; 5 leaves room for the
   * planner, the query API and the rest.
   * @default 5
   */
  readonly maxConcurrency?: number;
  /**
   * Memory of the worker function, in MB.
   * @default 512
   */
  readonly memorySize?: number;
}

export class FanOut extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly worker: HouseFunction;

  constructor(scope: Construct, id: string, props: FanOutProps) {
    super(scope, id);
    const { polling } = props;

    this.deadLetterQueue = new Queue(this, 'DeadBatches', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // cdk-nag knows it for a dead-letter queue (the redrive policy below names it): nothing to acknowledge.
    this.queue = new Queue(this, 'Batches', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: BATCH_VISIBILITY,
      // A batch older than its pass's lease is skipped anyway (the next pass polls its sources).
      retentionPeriod: Duration.hours(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: BATCH_ATTEMPTS },
    });

    this.worker = polling.passFunction(this, 'Worker', {
      entry: 'lambdas/handlers/poll-batch.ts',
      description: 'fanpulse: one batch of a fanned-out pass (fetch, score, store); the last batch detects and alerts',
      memorySize: props.memorySize,
    });
    // One batch an invocation: a batch is sized to one invocation's budget. Failed batches are
    // reported alone, so the others of an event are not polled again.
    this.worker.addEventSource(new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: props.maxConcurrency ?? 5 }));

    this.queue.grantSendMessages(polling.function);
    polling.function.addEnvironment('FANPULSE_BATCH_QUEUE_URL', this.queue.queueUrl);
  }
}
