// A fan-out pass's record (lambdas/core/fan-out.ts): how many batches, the event that planned them
// and whether the queue took them all, which are stored (a number set, added to under a condition
// so a batch delivered twice counts once), who finishes the pass and when it finished. One item per
// pass; the table's TTL removes it after two days.

import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FanOutRecord } from '../../core/fan-out.ts';
import type { Store } from '../../core/ports.ts';
import { sendConditional, type Item, type TableClient } from './table-client.ts';
import { keys, TTL_ATTRIBUTE } from './table-schema.ts';

type FanOutPasses = Pick<Store, 'startFanOut' | 'markFanOutQueued' | 'readFanOut' | 'markBatchStored' | 'claimFinish' | 'markFanOutFinished'>;

const toRecord = (item: Item): FanOutRecord => ({
  batches: Number(item.batches),
  stored: [...((item.stored as Set<number> | undefined) ?? [])].map(Number).sort((a, b) => a - b),
  finishedAt: typeof item.finishedAt === 'string' ? item.finishedAt : null,
  event: typeof item.event === 'string' ? item.event : null,
  queued: item.queued === true,
});

export function fanOutPasses({ client, tableName, send, batchGet }: TableClient): FanOutPasses {
  const conditional = async (what: string, command: UpdateCommand): Promise<Item | null> => {
    const answer = await sendConditional(send, what, () => client.send(command));
    return answer && (answer.Attributes ?? {});
  };

  const read = async (passId: string): Promise<FanOutRecord | null> => {
    const [item] = await batchGet([keys.fanOutPass(passId)]);
    return item ? toRecord(item) : null;
  };

  return {
    async startFanOut(passId, batches, event, expiresAt) {
      const item = { ...keys.fanOutPass(passId), batches, ...(event === null ? {} : { event }), [TTL_ATTRIBUTE]: expiresAt };
      await send('fan-out pass', () => client.send(new PutCommand({ TableName: tableName, Item: item })));
    },

    async markFanOutQueued(passId) {
      await send('fan-out pass', () =>
        client.send(new UpdateCommand({ TableName: tableName, Key: keys.fanOutPass(passId), UpdateExpression: 'SET queued = :yes', ExpressionAttributeValues: { ':yes': true } })),
      );
    },

    readFanOut: read,

    async markBatchStored(passId, batch) {
      const updated = await conditional(
        'fan-out batch',
        new UpdateCommand({
          TableName: tableName,
          Key: keys.fanOutPass(passId),
          UpdateExpression: 'ADD #stored :batch',
          // Once per batch; and never on a record that is gone (ADD would make a new one).
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(#stored, :n)',
          ExpressionAttributeNames: { '#stored': 'stored' },
          ExpressionAttributeValues: { ':batch': new Set([batch]), ':n': batch },
          ReturnValues: 'ALL_NEW',
        }),
      );
      // Stored before (a delivery after a crash), or no record: read where the pass stands.
      return updated ? toRecord(updated) : read(passId);
    },

    async claimFinish(passId, claimer, now, until) {
      const claimed = await conditional(
        'fan-out finish',
        new UpdateCommand({
          TableName: tableName,
          Key: keys.fanOutPass(passId),
          UpdateExpression: 'SET finisher = :claimer, finishUntil = :until',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(finishedAt) AND (attribute_not_exists(finishUntil) OR finishUntil <= :now)',
          ExpressionAttributeValues: { ':claimer': claimer, ':until': until, ':now': now },
        }),
      );
      return claimed !== null;
    },

    async markFanOutFinished(passId, at) {
      await send('fan-out finish', () =>
        client.send(new UpdateCommand({ TableName: tableName, Key: keys.fanOutPass(passId), UpdateExpression: 'SET finishedAt = :at', ExpressionAttributeValues: { ':at': at } })),
      );
    },
  };
}
