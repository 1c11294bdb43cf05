// The fan-out's batch queue on SQS (lib/constructs/fan-out.ts): one message per batch, sent ten to a
// request, each batch's body the FanOutBatch the worker reads back (lambdas/handlers/poll-batch.ts).
// An endpoint (fauxqs, any emulator) is for tests; in AWS the regional endpoint is used.

import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { QueueError } from '../core/errors.ts';
import { endpointSettings } from './aws-endpoint.ts';
import type { BatchQueue, FanOutBatch } from '../core/fan-out-plan.ts';

/** What a message body must hold: checked by the worker before it touches anything. */
export const fanOutBatchSchema = z.strictObject({
  passId: z.string().min(1),
  batch: z.number().int().min(0),
  sourceIds: z.array(z.string().min(1)).min(1),
});

/** SQS takes at most ten messages a request. */
const PER_REQUEST = 10;

export interface SqsBatchQueueOptions {
  queueUrl: string;
  endpoint?: string | undefined;
  region?: string | undefined;
}

export function createSqsBatchQueue({ queueUrl, endpoint, region }: SqsBatchQueueOptions): BatchQueue & { client: SQSClient } {
  const local = endpoint !== undefined;
  const client = new SQSClient({
    ...endpointSettings({ endpoint, region }),
    // An emulator's queue URLs may name hosts that do not resolve; the endpoint always does.
    ...(local ? { useQueueUrlAsEndpoint: false } : {}),
  });
  return {
    client,
    async send(batches: readonly FanOutBatch[]) {
      for (let i = 0; i < batches.length; i += PER_REQUEST) {
        const entries = batches.slice(i, i + PER_REQUEST).map((batch) => ({ Id: String(batch.batch), MessageBody: JSON.stringify(batch) }));
        let answer;
        try {
          answer = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        } catch (error) {
          throw new QueueError(`the batch queue refused the pass's batches (${queueUrl}): ${(error as Error).message}`, { cause: error });
        }
        const failed = answer.Failed ?? [];
        if (failed.length > 0) throw new QueueError(`the batch queue refused ${failed.length} batch(es), first: ${failed[0]!.Code} ${failed[0]!.Message ?? ''}`);
      }
    },
  };
}
