// The fan-out's batch queue on fauxqs, driven as Lambda's SQS event source mapping drives the
// worker: receive messages as SQS records, hand them over, delete the ones the worker did not report
// failed, and make the failed ones visible again (as if their visibility timeout had run out).
// The planner sends through the production adapter (lambdas/adapters/batch-queue.ts), with the real
// SQS client.

import type { SQSRecord } from 'aws-lambda';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createSqsBatchQueue } from '../../lambdas/adapters/batch-queue.ts';
import type { BatchQueue } from '../../lambdas/core/fan-out-plan.ts';
import { BATCH_VISIBILITY } from '../../lib/constructs/fan-out.ts';
import type { FauxqsTopic } from './fauxqs.ts';

export interface TestBatchQueue {
  queueUrl: string;
  /** The planner's side: the production SQS adapter pointed at fauxqs. */
  queue: BatchQueue;
  /** Up to `max` waiting messages, as the records of an SQS event (empty when none is waiting). */
  receive(max?: number): Promise<SQSRecord[]>;
  /** The event source mapping's answer to the worker: failed ones come back at once, the rest are deleted. */
  settle(records: readonly SQSRecord[], failedIds: readonly string[]): Promise<void>;
  /** Messages in the queue (waiting or in flight). */
  depth(): number;
  /** SQS requests sent so far, by action (the planner's sends and the mapping's receives, deletes, returns). */
  requests: Map<string, number>;
}

let queues = 0;

export function startTestBatchQueue(fauxqs: FauxqsTopic): TestBatchQueue {
  const queueName = `fanpulse-batches-${++queues}`;
  // The stack's visibility timeout: a batch still being polled is not handed to a second worker.
  const { queueUrl, queueArn } = fauxqs.server.createQueue(queueName, { attributes: { VisibilityTimeout: String(BATCH_VISIBILITY.toSeconds()) } });
  const requests = new Map<string, number>();
  const count = (action: string, n = 1) => requests.set(action, (requests.get(action) ?? 0) + n);
  const adapter = createSqsBatchQueue({ queueUrl, endpoint: fauxqs.endpoint, region: fauxqs.region });
  return {
    queueUrl,
    requests,
    queue: {
      async send(batches) {
        count('SendMessageBatch', Math.ceil(batches.length / 10));
        await adapter.send(batches);
      },
    },
    async receive(max = 10) {
      count('ReceiveMessage');
      const { Messages = [] } = await fauxqs.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: 0 }));
      return Messages.map(
        (m): SQSRecord => ({
          messageId: m.MessageId!,
          receiptHandle: m.ReceiptHandle!,
          body: m.Body ?? '',
          attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'test', ApproximateFirstReceiveTimestamp: String(Date.now()) },
          messageAttributes: {},
          md5OfBody: m.MD5OfBody ?? '',
          eventSource: 'aws:sqs',
          eventSourceARN: queueArn,
          awsRegion: fauxqs.region,
        }),
      );
    },
    async settle(records, failedIds) {
      for (const record of records) {
        const failed = failedIds.includes(record.messageId);
        count(failed ? 'ChangeMessageVisibility' : 'DeleteMessage');
        const message = { QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle };
        if (failed) await fauxqs.sqs.send(new ChangeMessageVisibilityCommand({ ...message, VisibilityTimeout: 0 }));
        else await fauxqs.sqs.send(new DeleteMessageCommand(message));
      }
    },
    depth() {
      const queue = fauxqs.server.inspectQueue(queueName)!;
      return queue.messages.ready.length + queue.messages.delayed.length + queue.messages.inflight.length;
    },
  };
}
