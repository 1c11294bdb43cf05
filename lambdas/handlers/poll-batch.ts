// The fan-out's worker: SQS hands it batch messages from the planner (poll.ts with a batch queue);
// each is one batch of a pass's sources, polled and stored as a single pass does, and the batch
// that completes the pass runs its finish (lambdas/core/fan-out.ts). A batch that fails (the store,
// a malformed message) is reported back alone, so SQS delivers only it again and, after its
// last attempt, parks it in the dead-letter queue (lib/constructs/fan-out.ts), which alarms.
// Each batch writes the same structured lines as a pass (adapters/pass-log.ts), so the monitoring
// queries add up a fanned-out pass's batches.

import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { fanOutBatchSchema } from '../adapters/batch-queue.ts';
import { logPass } from '../adapters/pass-log.ts';
import { readPollEnv, type PollEnv } from '../config/env.ts';
import { runBatch, type BatchOutcome } from '../core/fan-out.ts';
import { emptyReport } from '../core/pipeline.ts';
import type { Clock } from '../core/ports.ts';
import { once, systemClock, wirePoll } from './wiring.ts';

export function createBatchHandler(readEnv: () => PollEnv, logger = new Logger(), clock: Clock = systemClock) {
  const wiring = once(() => wirePoll(readEnv()));
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    const { config, store, sources, sink, channels } = await wiring();
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const batch = fanOutBatchSchema.parse(JSON.parse(record.body));
        // This delivery claims the finish, not the message: SQS may hand one message to two workers at once.
        const claimer = `${context.awsRequestId}/${record.messageId}`;
        const outcome = await runBatch({ config, store, sources, sink, channels, now: clock.now(), log: logger }, batch, claimer);
        logBatch(logger, outcome, clock.now());
      } catch (error) {
        logger.error('batch failed: SQS delivers it again', { messageId: record.messageId, error: error as Error });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

function logBatch(logger: Logger, outcome: BatchOutcome, now: Date): void {
  if (outcome.status === 'stale') return;
  const batch = { passId: outcome.passId, batch: outcome.batch, finishedPass: outcome.finish !== null };
  logPass(logger, { ...emptyReport(now), ...outcome.stored, ...outcome.finish }, { batch });
}

export const handler = createBatchHandler(() => readPollEnv());
