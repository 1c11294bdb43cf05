// The pass lock: one pass at a time, with a lease so a pass that died releases it by running out.

import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../../core/ports.ts';
import { sendConditional, type TableClient } from './table-client.ts';
import { keys } from './table-schema.ts';

export function passLock({ client, tableName, send, batchGet }: TableClient): Pick<Store, 'acquirePassLock' | 'releasePassLock' | 'renewPassLock'> {
  return {
    async acquirePassLock(holder, now, until, { process, replacing } = {}) {
      const put = await sendConditional(send, 'pass lock', () =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.passLock, holder, until, ...(process ? { host: process.host, pid: process.pid } : {}) },
            ConditionExpression: `attribute_not_exists(pk) OR #until <= :now OR holder = :holder${replacing ? ' OR holder = :replacing' : ''}`,
            ExpressionAttributeNames: { '#until': 'until' },
            ExpressionAttributeValues: { ':now': now, ':holder': holder, ...(replacing ? { ':replacing': replacing } : {}) },
          }),
        ),
      );
      if (put !== null) return { acquired: true };
      const [lock] = await batchGet([keys.passLock]);
      const held = typeof lock?.host === 'string' && typeof lock.pid === 'number' ? { process: { host: lock.host, pid: lock.pid } } : {};
      return { acquired: false, heldUntil: String(lock?.until ?? until), heldBy: String(lock?.holder ?? ''), ...held };
    },

    async renewPassLock(holder, until) {
      const renewed = await sendConditional(send, 'pass lock', () =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.passLock,
            UpdateExpression: 'SET #until = :until',
            // Only while the pass still holds it: never revives a lock released or taken over.
            ConditionExpression: 'holder = :holder',
            ExpressionAttributeNames: { '#until': 'until' },
            ExpressionAttributeValues: { ':holder': holder, ':until': until },
          }),
        ),
      );
      return renewed !== null;
    },

    async releasePassLock(holder) {
      // A failed condition: someone else's lock now (ours ran out), not ours to release.
      await sendConditional(send, 'pass lock', () =>
        client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: keys.passLock,
            ConditionExpression: 'holder = :holder',
            ExpressionAttributeValues: { ':holder': holder },
          }),
        ),
      );
    },
  };
}
